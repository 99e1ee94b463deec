import type { Services } from '../services.js';
import type { SeenKeys } from '../frame/index.js';
import { fieldByName, type DescribeSObjectResult } from '../mapping/index.js';
import { instantOf, toId18, type FlatRecord, type SalesforceSession } from '../salesforce/index.js';
import { prepareBatch, recordRows, readOutcomes, type BatchDoc, type MigrationDoc, type Preflight } from '../migrations/index.js';
import { compareValue, type FieldShape } from './compare.js';
import { queryRecords, type StoredRecord } from './query-org.js';
import type { ComparedField, RecordResult } from './tally.js';

/** What every batch of one reconciliation shares. */
export interface ReconcileContext {
  services: Services;
  migration: MigrationDoc;
  session: SalesforceSession;
  describe: DescribeSObjectResult;
  /** The user DMS writes as, when the org said. */
  writerId?: string;
}

/** Every row is new to it: the run decided which rows were duplicates; only rows it wrote are rebuilt here. */
const EVERY_ROW_KEPT: SeenKeys = { addMany: async (keys) => keys.map(() => true) };

/** Describe fields by record key, looked up once per batch rather than once per value. */
function fieldsOf(describe: DescribeSObjectResult): (key: string) => FieldShape | undefined {
  const found = new Map<string, FieldShape | undefined>();
  return (key) => {
    if (!found.has(key)) found.set(key, fieldByName(describe, key));
    return found.get(key);
  };
}

/** A key the describe does not know is compared as text. */
const UNKNOWN_FIELD: FieldShape = { type: 'string', scale: 0 };

/** The records a batch sent, rebuilt: the same dataset rows, pipeline, `now` and mapping give the same values; no check. */
const rebuildPreflight = (fieldOf: (key: string) => FieldShape | undefined): Preflight => ({ checkerFor: () => () => [], fieldType: (key) => fieldOf(key)?.type });

/** Written after the batch finished, or by another user: someone else changed the record since DMS wrote it. */
function changedSince(stored: StoredRecord, finishedAt: number, writerId: string | undefined): boolean {
  const stamps = [stored.SystemModstamp, stored.LastModifiedDate].map((t) => instantOf(t ?? ''));
  if (stamps.some((ms) => Number.isFinite(ms) && ms > finishedAt)) return true;
  return writerId !== undefined && stored.LastModifiedById !== undefined && toId18(stored.LastModifiedById) !== writerId;
}

function compareRecord(shapeOf: (key: string) => FieldShape, sent: FlatRecord, stored: StoredRecord): ComparedField[] {
  const fields: ComparedField[] = [];
  for (const [field, value] of Object.entries(sent)) {
    if (field === 'Id') continue;
    const storedText = stored[field] ?? '';
    fields.push({ field, verdict: compareValue(shapeOf(field), value, storedText), sent: String(value ?? ''), stored: storedText });
  }
  return fields;
}

/** Compares the rows one batch wrote with what the org holds now; returns one result per written row. */
export async function compareBatch(ctx: ReconcileContext, batch: BatchDoc): Promise<RecordResult[]> {
  if (batch.totals.succeeded === 0) return [];
  const written = new Map<number, string>();
  let allCreated = true;
  for (const [row, o] of await readOutcomes(ctx.services, batch)) {
    if (o.status !== 'ok' || !o.id) continue;
    written.set(row, toId18(o.id) ?? o.id);
    allCreated &&= o.created === true;
  }
  if (written.size === 0) return [];
  const fieldOf = fieldsOf(ctx.describe);
  const prepared = await prepareBatch(ctx.services, ctx.migration, batch, rebuildPreflight(fieldOf), recordRows(), EVERY_ROW_KEPT);
  const sent = new Map(prepared.rows.map((r) => [r.row, r.record]));
  const fields = new Set<string>();
  for (const row of written.keys()) for (const key of Object.keys(sent.get(row) ?? {})) fields.add(key);
  const stored = await queryRecords(ctx.session, ctx.migration.object, [...written.values()], [...fields], allCreated);
  const finishedAt = Date.parse(batch.finishedAt ?? batch.updatedAt);
  const results: RecordResult[] = [];
  const shapeOf = (key: string) => fieldOf(key) ?? UNKNOWN_FIELD;
  for (const [row, id] of written) {
    const found = stored.get(id);
    if (!found) {
      results.push({ row, id, outcome: 'missing', fields: [] });
      continue;
    }
    const compared = compareRecord(shapeOf, sent.get(row) ?? {}, found);
    const differs = compared.some((f) => f.verdict.verdict === 'differs' || f.verdict.verdict === 'emptied');
    const outcome = changedSince(found, finishedAt, ctx.writerId) ? 'changedSince' : differs ? 'differing' : 'matched';
    results.push({ row, id, outcome, fields: compared, audit: { lastModifiedDate: found.LastModifiedDate ?? '', lastModifiedById: found.LastModifiedById ?? '' } });
  }
  return results;
}
