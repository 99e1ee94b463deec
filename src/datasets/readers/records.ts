import { Batcher } from './batcher.js';
import { dedupeHeaders } from './headers.js';
import type { CellValue, RowBatch } from './types.js';
import { rowMessage } from '../../row-messages/index.js';

export type RecordLike = Map<unknown, unknown> | Record<string, unknown>;

/** Any value as a cell: nested structures become JSON text. */
export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === 'bigint') return inner.toString();
    if (inner instanceof Map) return Object.fromEntries([...inner].map(([k, v]) => [String(k), v]));
    if (inner instanceof Set) return [...inner];
    return inner;
  });
}

const entriesOf = (record: RecordLike): [string, unknown][] =>
  record instanceof Map ? [...record].map(([key, value]) => [String(key), value]) : Object.entries(record);

/**
 * Turns records (objects or Maps) into rows. The columns are the keys of the first batch's
 * records in first-seen order; keys that appear only later are reported per row and dropped.
 */
export class RecordTabulator {
  private readonly batcher: Batcher;
  private pending: { entries: [string, unknown][]; line?: number }[] = [];
  private keyIndex: Map<string, number> | null = null;

  constructor(private readonly batchSize: number) {
    this.batcher = new Batcher(batchSize);
  }

  get rowCount(): number {
    return this.batcher.rowCount + this.pending.length;
  }

  add(record: RecordLike, line?: number): void {
    const entries = entriesOf(record);
    if (this.keyIndex) this.place(entries, line);
    else {
      this.pending.push({ entries, line });
      if (this.pending.length >= this.batchSize) this.fixColumns();
    }
  }

  *drain(all = false): Generator<RowBatch> {
    if (all && !this.keyIndex) this.fixColumns();
    yield* this.batcher.drain(all);
  }

  private fixColumns(): void {
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const { entries } of this.pending) {
      for (const [key] of entries) {
        if (seen.has(key)) continue;
        seen.add(key);
        keys.push(key);
      }
    }
    const { columns, renames } = dedupeHeaders(keys);
    this.batcher.columns = columns;
    // Keys are unique already; only empty keys get renamed (to column_N).
    for (const rename of renames) this.batcher.issue({ row: 0, code: 'HEADER_RENAMED', message: `Key "${rename.from}" is column "${rename.to}".` });
    this.keyIndex = new Map(keys.map((key, index) => [key, index]));
    for (const { entries, line } of this.pending) this.place(entries, line);
    this.pending = [];
  }

  private place(entries: [string, unknown][], line?: number): void {
    const index = this.keyIndex as Map<string, number>;
    const row: CellValue[] = new Array<CellValue>(index.size).fill(null);
    const unknown: string[] = [];
    for (const [key, value] of entries) {
      const at = index.get(key);
      if (at === undefined) unknown.push(key);
      else row[at] = toCell(value);
    }
    this.batcher.push(row);
    if (unknown.length > 0) {
      const about = { keys: unknown.map((k) => `"${k}"`).join(', '), count: this.batchSize };
      const said = line === undefined ? rowMessage('row.file.unknownKeys', about) : rowMessage('row.file.unknownKeysAt', { ...about, line });
      this.batcher.issue({ line, code: 'UNKNOWN_KEY', ...said });
    }
  }
}
