import type { Store } from '../store/index.js';
import { Batcher, ChunkSink, CsvPages, DatasetProfiler, type RowBatch } from '../datasets/index.js';

/** Rows per batch: small, so that rows are encoded into their chunk and freed young (as the parse job does). */
const BATCH_ROWS = 500;

/** A REST record's value at `Account.Owner.Name` (keys matched without case: the query may spell them otherwise). */
export function valueAt(record: Record<string, unknown>, path: string): string | null {
  let value: unknown = record;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    const object = value as Record<string, unknown>;
    const lower = segment.toLowerCase();
    const key = segment in object ? segment : Object.keys(object).find((k) => k.toLowerCase() === lower);
    value = key === undefined ? null : object[key];
  }
  if (value === null || value === undefined) return null;
  // As Bulk API 2.0 gives them: text. Compound fields (an address) come as their JSON.
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Where an export's rows go: the dataset's chunks (ChunkSink) and its column profile, as an upload's parse fills them.
 * Bulk results arrive as CSV pages and are stored as their own CSV text; REST records become rows of text values
 * (what Bulk gives), so both APIs make the same dataset.
 */
export class ExportSink {
  readonly chunks: ChunkSink;
  readonly profiler = new DatasetProfiler();
  private readonly pages: CsvPages;
  private readonly records: Batcher;
  /** Bytes received from Salesforce (CSV, or REST JSON as parsed). */
  bytes = 0;

  constructor(
    store: Store, datasetId: string, readonly columns: string[], private readonly onChunks: () => Promise<void>,
  ) {
    this.chunks = new ChunkSink(store, datasetId);
    this.chunks.columns = columns;
    this.pages = new CsvPages(columns, BATCH_ROWS);
    this.records = new Batcher(BATCH_ROWS, columns);
  }

  get rowCount(): number {
    return this.chunks.rowCount;
  }

  /** One page of Bulk API 2.0 query results, streamed: its header line, then rows. */
  async addCsvPage(body: AsyncIterable<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const bytes of body) {
      this.bytes += bytes.length;
      this.pages.push(decoder.decode(bytes, { stream: true }));
      for (const batch of this.pages.drain()) await this.take(batch);
    }
    this.pages.push(decoder.decode());
    this.pages.endPage();
  }

  /** One page of REST query records. */
  async addRecords(records: Record<string, unknown>[]): Promise<void> {
    for (const record of records) this.records.push(this.columns.map((path) => valueAt(record, path)));
    for (const batch of this.records.drain()) await this.take(batch);
  }

  /** Stores the last rows and waits for every chunk write. */
  async end(): Promise<void> {
    for (const batch of this.pages.drain(true)) await this.take(batch);
    for (const batch of this.records.drain(true)) await this.take(batch);
    await this.chunks.end();
  }

  private async take(batch: RowBatch): Promise<void> {
    this.profiler.add(batch);
    if ((await this.chunks.add(batch)) > 0) await this.onChunks();
  }
}
