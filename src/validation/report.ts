import { z } from 'zod';
import type { RowIssue, SkippedRow, Value } from '../frame/index.js';
import { cutText } from '../cut-text.js';
import { RowMessage } from '../row-messages/index.js';
import type { RecordError } from './record-error.js';

const Example = z.object({
  row: z.number().int(),
  statusCode: z.string(),
  field: z.string().nullable(),
  message: z.string(),
  /** The message by its catalogue key (absent in reports stored before keys, and for Salesforce's own messages). */
  i18n: RowMessage.optional(),
});

/** The dry-run result: counts by status code and by field, the first examples of each, issues of the pipeline. */
export const ValidationReport = z.object({
  rows: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  skipped: z.number().int(),
  byStatusCode: z.record(z.string(), z.number().int()),
  /** `<field>` -> errors naming it; errors naming no field count under '(record)'. */
  byField: z.record(z.string(), z.number().int()),
  examples: z.array(Example),
  /**
   * Bad values the pipeline met, by `<code>` and by column. Those on mapped columns fail their rows
   * (counted above under the same code) unless their step said onInvalid 'null'; `remarks` failed no row.
   */
  pipelineIssues: z.object({
    total: z.number().int(),
    remarks: z.number().int().default(0),
    byCode: z.record(z.string(), z.number().int()),
    byColumn: z.record(z.string(), z.number().int()),
    examples: z.array(z.object({
      row: z.number().int(), column: z.string(), code: z.string(), message: z.string(), i18n: RowMessage.optional(),
    })),
  }),
  skippedReasons: z.record(z.string(), z.number().int()),
  /** A skipped reason (a key of skippedReasons) -> the same sentence by its catalogue key. */
  skippedSaid: z.record(z.string(), RowMessage).optional(),
});
export type ValidationReport = z.infer<typeof ValidationReport>;

/** `errors`: the row's verdict; `also`: its other problems, listed for people fixing the file (not counted). */
export interface InvalidRow { row: number; record: Record<string, Value>; errors: RecordError[]; also: RecordError[] }

const RECORD = '(record)';
/**
 * A report is stored in its validation's one document (Cloudant: 1 MB), with the template it ran: examples are
 * kept 200 at most, each message (which may quote the value, STRING_TOO_LONG) cut to 300 characters.
 */
const MAX_EXAMPLES = 200;
const EXAMPLE_MESSAGE_CHARS = 300;
const bump = (counts: Record<string, number>, key: string): void => { counts[key] = (counts[key] ?? 0) + 1; };

/**
 * Accumulates verdicts chunk by chunk. Keeps the first `examplesPer` examples of each status code +
 * field pair and hands every invalid row to `onInvalidRow` (a job streams them into the CSV of
 * invalid rows); memory stays bounded whatever the row count.
 */
export class ValidationReportBuilder {
  private readonly report: ValidationReport = {
    rows: 0, valid: 0, invalid: 0, skipped: 0, byStatusCode: {}, byField: {}, examples: [],
    pipelineIssues: { total: 0, remarks: 0, byCode: {}, byColumn: {}, examples: [] }, skippedReasons: {},
  };
  private readonly exampleCounts = new Map<string, number>();

  constructor(private readonly options: { examplesPer?: number; onInvalidRow?: (row: InvalidRow) => void } = {}) {}

  addRecord(row: number, record: Record<string, Value>, errors: RecordError[], also: RecordError[] = []): void {
    this.report.rows++;
    if (errors.length === 0) { this.report.valid++; return; }
    this.report.invalid++;
    for (const error of errors) {
      bump(this.report.byStatusCode, error.statusCode);
      const fields = error.fields.length > 0 ? error.fields : [RECORD];
      for (const field of fields) bump(this.report.byField, field);
      const key = `${error.statusCode}\u0000${fields[0]}`;
      const seen = this.exampleCounts.get(key) ?? 0;
      if (seen < (this.options.examplesPer ?? 5) && this.report.examples.length < MAX_EXAMPLES) {
        this.exampleCounts.set(key, seen + 1);
        const message = cutText(error.message, EXAMPLE_MESSAGE_CHARS);
        const example = { row, statusCode: error.statusCode, field: error.fields[0] ?? null, message };
        this.report.examples.push(error.i18n ? { ...example, i18n: error.i18n } : example);
      }
    }
    this.options.onInvalidRow?.({ row, record, errors, also });
  }

  addSkipped(skipped: SkippedRow[]): void {
    for (const s of skipped) {
      this.report.rows++;
      this.report.skipped++;
      bump(this.report.skippedReasons, s.reason);
      if (s.i18n) (this.report.skippedSaid ??= {})[s.reason] = s.i18n;
    }
  }

  /** A chunk's issues; `remarks` of them failed no row. */
  addPipelineIssues(issues: readonly RowIssue[], remarks: number): void {
    const p = this.report.pipelineIssues;
    p.remarks += remarks;
    for (const issue of issues) {
      p.total++;
      bump(p.byCode, issue.code);
      bump(p.byColumn, issue.column);
      const { row, column, code, message, i18n } = issue;
      if (p.examples.length >= 50) continue;
      const example = { row, column, code, message: cutText(message, EXAMPLE_MESSAGE_CHARS) };
      p.examples.push(i18n ? { ...example, i18n } : example);
    }
  }

  build(): ValidationReport {
    return structuredClone(this.report);
  }
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header of the invalid-rows CSV: row number, the record's keys, the row's verdict, then its other problems. */
export function invalidRowsCsvHeader(keys: string[]): string {
  return `${['row', ...keys, 'errors', 'otherErrors'].map(csvCell).join(',')}\r\n`;
}

const reasons = (errors: RecordError[]) => errors.map((e) => `${e.statusCode}:${e.message}:${e.fields.length ? e.fields.join(',') : '--'}`).join(' | ');

/**
 * One CSV line: the verdict (what the run reports) and every other problem of the row, each in the Bulk API's
 * `CODE:message:fields` form, joined by ' | '.
 */
export function invalidRowCsvLine(keys: string[], row: InvalidRow): string {
  return `${[row.row, ...keys.map((k) => row.record[k] ?? null), reasons(row.errors), reasons(row.also)].map(csvCell).join(',')}\r\n`;
}
