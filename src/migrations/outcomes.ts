import { emptyTotals, type Totals } from './model.js';
import { cutMiddle } from '../cut-text.js';
import { packJson, unpackJson } from '../blobs/index.js';
import { rowMessage, type RowMessage, type RowMessageArgs, type RowMessageKey } from '../row-messages/index.js';

/** Every row ends in exactly one of these; `doubt` (sent, answer lost, not reconcilable) counts as failed. */
export type RowStatus = 'ok' | 'fail' | 'skip' | 'doubt';

export interface RowOutcome {
  status: RowStatus;
  id?: string;
  created?: boolean;
  code?: string;
  message?: string;
  fields?: string[];
  /** DMS's own messages by catalogue key, one per sentence of `message` (none for Salesforce's words). */
  i18n?: RowMessage[];
}

/** An outcome whose message DMS writes: its English text and its catalogue key. */
export function saidOutcome<K extends RowMessageKey>(status: RowStatus, code: string, key: K, ...args: RowMessageArgs<K>): RowOutcome {
  const { message, i18n } = rowMessage(key, ...args);
  return { status, code, message, i18n: [i18n] };
}

/** Dataset row number -> outcome, for one batch. */
export type Outcomes = Map<number, RowOutcome>;

/**
 * A stored message keeps this many characters: its start and, after CUT_MARK, its last MESSAGE_TAIL_CHARS.
 * Salesforce's STRING_TOO_LONG quotes the whole value it refused (31,000 characters in, 31,000 in the message); the
 * row's own cells, in the error file beside it, hold the value, and the end says the limit ("(max length=32000)").
 */
export const MESSAGE_CHARS = 1000;
const MESSAGE_TAIL_CHARS = 200;

/** Outcomes that count their changes, so a save encodes and uploads them again only when they changed. */
export class TrackedOutcomes extends Map<number, RowOutcome> {
  changes = 0;

  override set(row: number, outcome: RowOutcome): this {
    this.changes++;
    const { message } = outcome;
    if (message !== undefined && message.length > MESSAGE_CHARS) outcome = { ...outcome, message: cutMiddle(message, MESSAGE_CHARS, MESSAGE_TAIL_CHARS) };
    return super.set(row, outcome);
  }

  override delete(row: number): boolean {
    this.changes++;
    return super.delete(row);
  }

  override clear(): void {
    this.changes++;
    super.clear();
  }
}

export const OUTCOMES_ATTACHMENT = 'outcomes.json.gz';

/** The eighth place (the messages' keys) is absent in outcomes stored before it. */
type Tuple = [number, RowStatus, string | null, boolean | null, string | null, string | null, string | null, RowMessage[]?];

/**
 * Compact tuples in row order, as JSON, compressed (Brotli: a 25,000-row batch of successes is ~60 kB, where gzip level
 * 1, as outcomes were stored before 2026-12-07, made ~140 kB; either takes ~0.1 CPU-s per 1M rows).
 */
export function encodeOutcomes(outcomes: Outcomes): Buffer {
  const rows = [...outcomes.entries()].sort((a, b) => a[0] - b[0]).map(([row, o]): Tuple => {
    const fields = o.fields?.length ? o.fields.join(',') : null;
    const tuple: Tuple = [row, o.status, o.id ?? null, o.created ?? null, o.code ?? null, o.message ?? null, fields];
    if (o.i18n?.length) tuple.push(o.i18n);
    return tuple;
  });
  return packJson(rows);
}

export function decodeOutcomes(data: Buffer): Outcomes {
  const rows = unpackJson<Tuple[]>(data);
  const outcomes: Outcomes = new Map();
  for (const [row, status, id, created, code, message, fields, i18n] of rows) {
    const o: RowOutcome = { status };
    if (id !== null) o.id = id;
    if (created !== null) o.created = created;
    if (code !== null) o.code = code;
    if (message !== null) o.message = message;
    if (fields !== null) o.fields = fields.split(',');
    if (i18n) o.i18n = i18n;
    outcomes.set(row, o);
  }
  return outcomes;
}

export function totalsOf(outcomes: Outcomes, rows: number): Totals {
  const totals = emptyTotals();
  totals.rows = rows;
  for (const o of outcomes.values()) {
    if (o.status === 'ok') {
      totals.succeeded++;
      if (o.created) totals.created++;
    } else if (o.status === 'skip') totals.skipped++;
    else {
      totals.failed++;
      if (o.status === 'doubt') totals.inDoubt++;
    }
  }
  return totals;
}

export function addTotals(a: Totals, b: Totals): Totals {
  return {
    rows: a.rows + b.rows, succeeded: a.succeeded + b.succeeded, failed: a.failed + b.failed,
    skipped: a.skipped + b.skipped, inDoubt: a.inDoubt + b.inDoubt, created: a.created + b.created,
  };
}

/** Salesforce's `sf__Error` cell: `STATUS_CODE:message:fields`, `--` when no field. */
export function parseBulkError(cell: string): { code: string; message: string; fields: string[] } {
  const first = cell.indexOf(':');
  if (first < 0) return { code: cell || 'UNKNOWN_EXCEPTION', message: cell, fields: [] };
  const last = cell.lastIndexOf(':');
  const code = cell.slice(0, first);
  if (last === first) return { code, message: cell.slice(first + 1), fields: [] };
  const fields = cell.slice(last + 1);
  return { code, message: cell.slice(first + 1, last), fields: fields === '--' || fields === '' ? [] : fields.split(',') };
}
