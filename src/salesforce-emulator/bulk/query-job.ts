import { z } from 'zod';
import { formatDateTime } from '../data/coerce.js';
import type { Value } from '../data/table.js';
import { flatColumns, type QueryOutcome } from '../soql/index.js';
import { DELIMITERS, quoteCsv } from './csv-reader.js';

export const CreateQueryJob = z.object({
  operation: z.enum(['query', 'queryAll']).default('query'),
  query: z.string().min(1),
  contentType: z.literal('CSV').default('CSV'),
  columnDelimiter: z.enum(['BACKQUOTE', 'CARET', 'COMMA', 'PIPE', 'SEMICOLON', 'TAB']).default('COMMA'),
  lineEnding: z.enum(['LF', 'CRLF']).default('LF'),
});
export type CreateQueryJob = z.infer<typeof CreateQueryJob>;

const csvValue = (v: Value) => quoteCsv(v === null ? '' : String(v));

/** A Bulk API 2.0 query job: the query ran at creation; results are served in pages of CSV. */
export class QueryJob {
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Aborted' | 'Failed' = 'UploadComplete';
  readonly createdAt = Date.now();
  /** Epoch ms of the last change of state (a finished job expires a retention period after it). */
  modifiedAt = this.createdAt;

  constructor(readonly id: string, readonly spec: CreateQueryJob, readonly outcome: QueryOutcome, readonly apiVersion: number, readonly createdById: string) {}

  touch(state: QueryJob['state']): void {
    this.state = state;
    this.modifiedAt = Date.now();
  }

  get finished(): boolean {
    return this.state === 'JobComplete' || this.state === 'Failed' || this.state === 'Aborted';
  }

  info(): Record<string, unknown> {
    return {
      id: this.id,
      operation: this.spec.operation,
      object: this.outcome.table.schema.name,
      createdById: this.createdById,
      createdDate: formatDateTime(this.createdAt),
      systemModstamp: formatDateTime(this.modifiedAt),
      state: this.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: this.apiVersion,
      jobType: 'V2Query',
      lineEnding: this.spec.lineEnding,
      columnDelimiter: this.spec.columnDelimiter,
      numberRecordsProcessed: this.state === 'JobComplete' ? this.outcome.rows.length : 0,
      retries: 0,
      totalProcessingTime: 0,
    };
  }

  /**
   * Rows [from, from + max) as CSV with a header, made in parts of `partRows` rows (so a page of 50,000 rows read from
   * the record file never sits whole in the heap), with its row count and the next offset (null on the last page).
   */
  page(from: number, max: number, partRows = 1000): { parts: Iterable<string>; count: number; next: number | null } {
    const d = DELIMITERS[this.spec.columnDelimiter];
    const eol = this.spec.lineEnding === 'CRLF' ? '\r\n' : '\n';
    const { rows } = this.outcome;
    const columns = flatColumns(this.outcome);
    const end = Math.min(rows.length, from + max);
    function* parts(): Generator<string> {
      yield columns.map((c) => quoteCsv(c.name)).join(d) + eol;
      for (let at = from; at < end; at += partRows) {
        const lines: string[] = [];
        for (let i = at; i < Math.min(end, at + partRows); i++) {
          const row = rows.at(i)!;
          lines.push(columns.map((c) => csvValue(c.get(row))).join(d));
        }
        yield lines.join(eol) + eol;
      }
    }
    return { parts: parts(), count: Math.max(0, end - from), next: end < rows.length ? end : null };
  }
}
