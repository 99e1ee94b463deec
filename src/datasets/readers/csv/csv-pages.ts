import { Batcher } from '../batcher.js';
import { readerError } from '../reader-error.js';
import type { RowBatch } from '../types.js';
import { CsvParser } from './parser.js';
import { fitRow } from './read-csv.js';

/**
 * Rows of a CSV that arrives as pages, each with its own header line (Bulk API 2.0 query results): UTF-8 comma CSV
 * whose columns are known in advance. Rows keep their own text, so chunks store them as CSV (as the CSV reader's).
 * Push a page's text piece by piece, end the page, and take the batches as they fill.
 */
export class CsvPages {
  private readonly batcher: Batcher;
  private parser?: CsvParser;
  private headerSeen = false;
  private page = 0;

  constructor(readonly columns: string[], batchSize: number) {
    this.batcher = new Batcher(batchSize, columns);
    this.batcher.rawDelimiter = ',';
  }

  get rowCount(): number {
    return this.batcher.rowCount;
  }

  push(text: string): void {
    if (!this.parser) {
      this.page++;
      this.headerSeen = false;
      this.parser = new CsvParser(',', (fields, line, raw) => this.row(fields, line, raw), true);
    }
    this.parser.push(text);
  }

  /** Flushes the page's last row; the next push starts a new page (with its header). */
  endPage(): void {
    this.parser?.end();
    this.parser = undefined;
  }

  /** Complete batches (`all`: the rest too, at the end). */
  drain(all = false): Generator<RowBatch> {
    return this.batcher.drain(all);
  }

  private row(fields: string[], line: number, raw: string): void {
    const width = this.columns.length;
    if (!this.headerSeen) {
      this.headerSeen = true;
      if (fields.length !== width) {
        const message = `Page ${this.page} of the results has ${fields.length} columns (${fields.join(', ')}), `
          + `but the query selects ${width} (${this.columns.join(', ')}).`;
        throw readerError('QUERY_COLUMNS_MISMATCH', message, { line, column: 1 });
      }
      return;
    }
    if (fields.length !== width) {
      const message = `Page ${this.page}, line ${line}: a result row has ${fields.length} fields where the query `
        + `selects ${width}.`;
      throw readerError('QUERY_RESULT_MALFORMED', message, { line, column: 1 });
    }
    this.batcher.push(fitRow(fields, width), raw);
  }
}
