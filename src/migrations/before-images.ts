import { csvRecordCells, sfJson, toId18 } from '../salesforce/index.js';
import { fieldByName, mappingTargets, type DescribeSObjectResult } from '../mapping/index.js';
import type { UploadLine } from './prepare.js';
import type { BatchRun } from './batch-run.js';
import { findByField } from './reconcile.js';
import { readAttachment, saveBatch } from './store.js';
import type { Services } from '../services.js';
import type { BatchDoc } from './model.js';
import { packJson, unpackJson } from '../blobs/index.js';

/** Before-images stored in one piece (batches captured before slices existed). */
const WHOLE_ATTACHMENT = 'before.json.gz';
const sliceAttachment = (slice: number) => `before-${slice}.json.gz`;
/**
 * Rows a slice covers: one checkpoint (a stored attachment) each, one or two SOQL queries or 3 retrieve calls, so a
 * worker that lives only seconds still stores some before it dies (2,000 rows, 4-8 s on a loaded machine, never did).
 */
export const BEFORE_SLICE_ROWS = 500;
/** The slice size of batches that stored slices before it was recorded on the batch. */
const FIRST_SLICE_ROWS = 2000;
/** sObject Collections retrieve takes this many ids a call. */
const RETRIEVE_IDS = 200;

/** The values an update will overwrite, per record id: what a roll back writes back. */
export interface BeforeImages { fields: string[]; records: Record<string, Record<string, unknown>> }

/** The fields the mapping writes, as plain field names (`Account.Ext__c` -> the lookup field, e.g. AccountId). */
export function writtenFields(run: Pick<BatchRun, 'migration'>, describe: DescribeSObjectResult): string[] {
  const { fields, relationships, constants } = run.migration.template.mapping;
  const names = [...fields, ...relationships, ...constants].map((e) => fieldByName(describe, e.field)).filter((f) => f && f.updateable && f.type !== 'id');
  return [...new Set(names.map((f) => (f as { name: string }).name))];
}

function pick(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
}

const idOf = (record: Record<string, unknown>) => toId18(String(record.Id)) ?? String(record.Id);

/** Update reads the records by Id (Collections retrieve), upsert by external id (the ones not found will be created). */
async function captureSlice(run: BatchRun, fields: string[], keys: (string | number | boolean)[]): Promise<BeforeImages['records']> {
  const records: BeforeImages['records'] = {};
  if (run.spec.operation === 'update') {
    for (let i = 0; i < keys.length; i += RETRIEVE_IDS) {
      const found = await sfJson<(Record<string, unknown> | null)[]>(run.session, {
        method: 'POST', path: `/composite/sobjects/${run.spec.object}`, json: { ids: keys.slice(i, i + RETRIEVE_IDS), fields: ['Id', ...fields] }, idempotent: true,
      });
      for (const rec of found) if (rec?.Id) records[idOf(rec)] = pick(rec, fields);
    }
  } else {
    const found = await findByField(run.session, run.describe, run.spec.externalIdField as string, keys, fields);
    for (const rec of found.values()) records[idOf(rec)] = pick(rec, fields);
  }
  return records;
}

/**
 * The Ids (update) or external ids (upsert) the batch's rows carry, in row order: the same on every attempt. From
 * upload lines as their cells' text, which finds the same records (SOQL literals and Ids are made from text).
 */
function keysOf(run: BatchRun): (string | number | boolean)[] {
  const key = run.spec.operation === 'update' ? 'Id' : (run.spec.externalIdField as string);
  const { prepared } = run;
  const values = prepared.form === 'records'
    ? prepared.rows.map((r) => r.record[key])
    : cellsAt(prepared.rows, mappingTargets(run.migration.template.mapping).indexOf(key));
  return values.filter((v): v is string | number | boolean => v !== undefined && v !== null && v !== '');
}

const cellsAt = (rows: readonly UploadLine[], at: number): (string | undefined)[] =>
  (at < 0 ? [] : rows.map((r) => csvRecordCells(r.line)[at]));

/**
 * Captured BEFORE the batch's first write, in slices of BEFORE_SLICE_ROWS rows: each slice is stored as its own
 * attachment as soon as it is read (each well under Cloudant's 10 MB), and `beforeSlices` counts them, so a batch
 * retried after a crash resumes at the first slice it lacks instead of reading everything again.
 */
export async function captureBeforeImages(run: BatchRun): Promise<void> {
  if (run.batch.beforeImages || (run.spec.operation !== 'update' && run.spec.operation !== 'upsert')) return;
  const fields = writtenFields(run, run.describe);
  const keys = keysOf(run);
  // Slices already stored keep the size they were cut with; a batch without any takes today's.
  const size = run.batch.beforeSliceRows ?? (run.batch.beforeSlices > 0 ? FIRST_SLICE_ROWS : BEFORE_SLICE_ROWS);
  for (let slice = run.batch.beforeSlices; slice * size < keys.length; slice++) {
    await run.checkStop();
    const records = await captureSlice(run, fields, keys.slice(slice * size, (slice + 1) * size));
    const data = packJson({ fields, records } satisfies BeforeImages);
    const next = { ...run.batch, beforeSlices: slice + 1, beforeSliceRows: size };
    run.batch = await saveBatch(run.services, next, { [sliceAttachment(slice)]: data });
  }
  run.batch = await saveBatch(run.services, { ...run.batch, beforeImages: true });
}

export async function readBeforeImages(services: Services, batch: BatchDoc): Promise<BeforeImages | undefined> {
  if (!batch.beforeImages) return undefined;
  const names = batch._attachments?.[WHOLE_ATTACHMENT] ? [WHOLE_ATTACHMENT] : Array.from({ length: batch.beforeSlices }, (_, s) => sliceAttachment(s));
  const merged: BeforeImages = { fields: [], records: {} };
  for (const name of names) {
    const data = await readAttachment(services, batch._id, name);
    if (!data) continue;
    const part = unpackJson<BeforeImages>(data);
    merged.fields = part.fields;
    Object.assign(merged.records, part.records);
  }
  return merged;
}
