import type { Store } from '../store/index.js';
import type { RowBatch, RowIssue } from './readers/index.js';
import { ChunkEncoder, chunkFields, writeChunks, type EncodedChunk, type EncoderMark } from './chunk-store.js';
import { cutText } from '../cut-text.js';
import type { ChunkDoc } from './model.js';

/** Most rows a chunk holds. */
export const CHUNK_ROWS = 5000;
/**
 * Most row text (bytes before compression) a chunk is cut at: whoever reads a chunk decodes it whole, so 5,000 rows
 * of 60 KB (300 MB) would end a worker's or the web process's heap. Ordinary rows (~100 bytes: 0.5 MB a chunk)
 * never reach it.
 */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** A chunk takes no more rows once it holds CHUNK_ROWS of them or `chunkBytes` of their text. */
export const isFullChunk = (rows: number, bytes: number, chunkBytes = CHUNK_BYTES): boolean =>
  rows >= CHUNK_ROWS || bytes >= chunkBytes;

/**
 * Issues kept per chunk document, each message cut to ISSUE_MESSAGE_CHARS (a ragged row's message quotes its extra
 * values): at most ~0.8 MB, under Cloudant's 1 MB per document. The count stays exact.
 */
const ISSUES_PER_CHUNK = 1000;
const ISSUE_MESSAGE_CHARS = 250;
/**
 * A renamed header's name as it was in the file, as kept on the dataset (shown beside its new name, which is kept
 * whole): cut, so that a thousand long renamed names still fit the dataset's one document.
 */
const RENAMED_ORIGINAL_CHARS = 32;

export interface HeaderRename {
  original: string;
  renamed: string;
}

// The readers report renamed headers as row-0 issues: `... "from" is named "to".` (or `is column`).
const RENAME_MESSAGE = /"(.*)" is (?:named|column) "(.*)"\.$/s;

/** Characters a parameter of a stored issue's key keeps (1,000 issues a chunk stay far under a document's 1 MB). */
const ISSUE_PARAM_CHARS = 60;
function keyOf({ i18n }: RowIssue) {
  if (!i18n) return {};
  const params = Object.entries(i18n.params ?? {}).map(([k, v]) => [k, typeof v === 'string' ? cutText(v, ISSUE_PARAM_CHARS) : v]);
  return { i18n: { ...i18n, params: Object.fromEntries(params) as Record<string, string | number> } };
}

/**
 * Chunks per write (one `_bulk_docs` request of ~1.2 MB for 8 columns; wide rows are split at the body limit,
 * src/blobs/json-body.ts) and writes in flight. 8 rather than 4: ~10 % less pouchdb-server CPU, ~1 MB/s more (bench/parse).
 */
const CHUNKS_PER_WRITE = 8;
const WRITES_IN_FLIGHT = 2;
/**
 * The first chunks are written one a request, as soon as each is cut: a run following the parse (pipelining) plans
 * its first batch once that batch's chunks are stored (25,000 rows by default), not once a group of 8 is (40,000).
 */
const CHUNKS_WRITTEN_SINGLY = CHUNKS_PER_WRITE;

/** Where a sink's first chunk goes: after these chunks and rows. */
export interface SinkStart {
  chunkCount: number;
  rowCount: number;
}

/**
 * Cuts the readers' batches into chunks of CHUNK_ROWS rows, fewer once a chunk's text reaches `chunkBytes` (so a
 * row's chunk is found from the chunks' firstRow, not computed). A batch's rows go in as many at a time as the last
 * write's bytes per row say still fit: a chunk passes the limit by at most one reader batch (when rows suddenly
 * grow), and a row that alone passes it is a chunk of its own. Rows are encoded as they arrive (feed it small
 * batches: rows then die young), and chunks are stored a few per request (the first ones alone) with two requests
 * in flight.
 */
export class ChunkSink {
  columns: string[] = [];
  readonly headerRenames: HeaderRename[] = [];
  chunkCount: number;
  rowCount: number;
  issueCount = 0;
  private encoder?: ChunkEncoder;
  /** Bytes of the last chunk before compression: the next one's encoder starts about that big. */
  private expectedBytes = 64 * 1024;
  private inChunk = 0;
  /** Bytes per row of the last write (0: nothing written yet). */
  private rowBytes = 0;
  private issues: RowIssue[] = [];
  private group: Promise<EncodedChunk>[] = [];
  private writes: Promise<void>[] = [];

  /** `after`: the chunks and rows of the dataset before the sink's first chunk (a transfer's dataset goes on). */
  constructor(
    private readonly store: Store, private readonly datasetId: string, private readonly chunkBytes = CHUNK_BYTES,
    after: SinkStart = { chunkCount: 0, rowCount: 0 },
  ) {
    this.chunkCount = after.chunkCount;
    this.rowCount = after.rowCount;
  }

  /** Takes a batch; resolves once its full chunks are handed to the store (bounded: two writes pending). */
  async add(batch: RowBatch): Promise<number> {
    this.columns = batch.columns;
    for (const issue of batch.issues) this.takeIssue(issue);
    let written = 0;
    for (let at = 0; at < batch.rows.length; ) {
      const encoder = this.encoderFor(batch);
      // The first row alone: its bytes are the first measure.
      const fit = this.rowBytes > 0 ? Math.max(1, Math.floor((this.chunkBytes - encoder.size) / this.rowBytes)) : 1;
      const take = Math.min(CHUNK_ROWS - this.inChunk, batch.rows.length - at, fit);
      const mark = encoder.mark;
      this.encode(batch, at, take);
      // A row that fills a chunk alone is a chunk of its own (such a row is a reader batch of its own: see Batcher):
      // it is taken back, the chunk cut before it, and it is encoded again into the next.
      const alone = take === 1 && this.inChunk > 1 && encoder.size - mark.used >= this.chunkBytes;
      if (alone) this.takeBack(encoder, mark);
      else at += take;
      if (!alone && !this.full) continue;
      await this.cut();
      written++;
    }
    return written;
  }

  /**
   * Takes back the rows stored before in the chunk the sink starts at (a transfer's last chunk, written again with
   * the rows after it): all of them go into that chunk whatever their bytes, since a cut among them would move
   * confirmed rows into a chunk not confirmed yet; the chunk is cut at once when they fill it.
   */
  async reopen(batch: RowBatch): Promise<void> {
    if (batch.rows.length === 0) return;
    this.columns = batch.columns;
    this.encode(batch, 0, batch.rows.length);
    if (this.full) await this.cut();
  }

  /** Rows of the chunk being filled: end() stores them as the last, partial chunk. */
  get openRows(): number {
    return this.inChunk;
  }

  /** Writes the last, partial chunk and waits for every write. */
  async end(): Promise<void> {
    if (this.inChunk > 0) await this.cut();
    if (this.group.length > 0) this.dispatch();
    const writes = this.writes;
    this.writes = [];
    await Promise.all(writes);
  }

  private get full(): boolean {
    return isFullChunk(this.inChunk, this.encoder?.size ?? 0, this.chunkBytes);
  }

  private encoderFor(batch: RowBatch): ChunkEncoder {
    const expectedBytes = this.expectedBytes + (this.expectedBytes >> 3);
    this.encoder ??= new ChunkEncoder(this.columns, expectedBytes, batch.raw?.delimiter);
    return this.encoder;
  }

  /** Drops the last row encoded. */
  private takeBack(encoder: ChunkEncoder, mark: EncoderMark): void {
    encoder.rewind(mark);
    this.inChunk--;
    this.rowCount--;
  }

  /** Encodes `take` rows of the batch from `at` into the chunk being filled. */
  private encode(batch: RowBatch, at: number, take: number): void {
    const encoder = this.encoderFor(batch);
    const whole = take === batch.rows.length;
    const lines = batch.raw?.lines;
    const before = encoder.size;
    encoder.write(whole ? batch.rows : batch.rows.slice(at, at + take), whole ? lines : lines?.slice(at, at + take));
    this.rowBytes = Math.max(1, (encoder.size - before) / take);
    this.inChunk += take;
    this.rowCount += take;
  }

  private takeIssue(issue: RowIssue): void {
    const rename = issue.code === 'HEADER_RENAMED' ? RENAME_MESSAGE.exec(issue.message) : null;
    if (rename) {
      this.headerRenames.push({ original: cutText(rename[1], RENAMED_ORIGINAL_CHARS), renamed: rename[2] });
      return;
    }
    this.issueCount++;
    this.issues.push(issue);
  }

  private async cut(): Promise<void> {
    const index = this.chunkCount++;
    const rowCount = this.inChunk;
    const firstRow = this.rowCount - rowCount + 1;
    const lastRow = firstRow + rowCount - 1;
    const mine = this.issues.filter((issue) => issue.row <= lastRow);
    this.issues = this.issues.filter((issue) => issue.row > lastRow);
    const issues: ChunkDoc['issues'] = mine
      .slice(0, ISSUES_PER_CHUNK)
      .map((i) => ({ row: i.row, line: i.line, code: i.code, message: cutText(i.message, ISSUE_MESSAGE_CHARS), ...keyOf(i) }));
    const encoder = this.encoder;
    const fields = chunkFields(this.datasetId, index, firstRow, rowCount, encoder?.size ?? 0, issues);
    this.encoder = undefined;
    if (encoder) this.expectedBytes = encoder.size;
    this.inChunk = 0;
    const encoded = (async () => ({ fields, data: (await encoder?.end()) ?? Buffer.alloc(0) }))();
    encoded.catch(() => undefined); // awaited by its write
    this.group.push(encoded);
    if (this.group.length < CHUNKS_PER_WRITE && this.chunkCount > CHUNKS_WRITTEN_SINGLY) return;
    this.dispatch();
    if (this.writes.length >= WRITES_IN_FLIGHT) await this.writes.shift();
  }

  private dispatch(): void {
    const group = this.group;
    this.group = [];
    const write = (async () => writeChunks(this.store, await Promise.all(group)))();
    // Awaited by a later cut or by end(); this only keeps an early failure from being unhandled meanwhile.
    write.catch(() => undefined);
    this.writes.push(write);
  }
}
