import type { Store } from '../store/index.js';
import { deleteIdRange, isMissing, withRetry } from '../store/index.js';
import { COMPRESSED_CONTENT_TYPE, bulkBodies, compressStored, docWithAttachment, inflateStoredSync } from '../blobs/index.js';
import { AppError } from '../errors.js';
import { CHUNK_ATTACHMENT, INLINE_CHUNK_BYTES, readChunkBytes, writeChunkInPieces } from './chunk-pieces.js';
import { ChunkDoc, chunkId, chunkIds, type Chunk, type ChunkSpan, type ChunkValue } from './model.js';
import { parseCsvRows } from './readers/index.js';

/** Dates survive the JSON round trip as {"$date": iso}. */
function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Date ? { $date: Number.isNaN(raw.getTime()) ? null : raw.toISOString() } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$date' in value) {
    const iso = (value as { $date: string | null }).$date;
    return iso === null ? null : new Date(iso);
  }
  return value;
}

/** Plain loops and a typeof test: this runs over every cell of every chunk (callbacks cost 5x more). */
function holdsDates(rows: ChunkValue[][]): boolean {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < row.length; c++) {
      const value = row[c];
      if (typeof value === 'object' && value !== null) return true;
    }
  }
  return false;
}

/** Rows serialised at a time: each piece's text is small enough to die in V8's young generation. */
const ROWS_PER_PIECE = 250;
/** UTF-8 needs at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units). */
const UTF8_BYTES_PER_UNIT = 3;

/** The first line of a chunk stored as CSV: its columns and delimiter (a JSON chunk starts with `{"columns"`). */
const CSV_CHUNK_HEADER = '{"format":"csv"';

/** A point in a ChunkEncoder's output (see `mark`). */
export interface EncoderMark {
  readonly used: number;
  readonly empty: boolean;
}

/**
 * One chunk's attachment, built as its rows arrive, in one of two forms:
 * - CSV, for rows that come with their own text (the CSV reader's): a JSON header line, then the rows' text as it
 *   was in the file, one per line. Nothing is serialised; reading the chunk parses the rows back with the reader's
 *   own parser and row fitting (parseCsvRows), so they come back exactly as the reader made them.
 * - JSON `{"columns":[...],"rows":[[...]]}` for every other reader: rows are serialised at once (and can be freed),
 *   dates as {"$date": iso} (the replacer, 2x slower, only runs for pieces that hold dates).
 * Either way the UTF-8 goes into one growing buffer (no buffer per piece, no concatenation), compressed in one go
 * at the end off the main thread (compressStored). No chunk-sized string is ever built.
 */
export class ChunkEncoder {
  private buffer: Buffer;
  private used = 0;
  private empty = true;

  /**
   * `expectedBytes`: the size of a previous chunk, so that the buffer rarely has to grow. `csvDelimiter`: store the
   * rows as CSV (every write then brings the rows' own text).
   */
  constructor(columns: string[], expectedBytes = 64 * 1024, private readonly csvDelimiter?: string) {
    this.buffer = Buffer.allocUnsafeSlow(expectedBytes);
    this.append(csvDelimiter === undefined
      ? `{"columns":${JSON.stringify(columns)},"rows":[`
      : `${CSV_CHUNK_HEADER},"delimiter":${JSON.stringify(csvDelimiter)},"columns":${JSON.stringify(columns)}}\n`);
  }

  /** `lines`: the rows' own text, for a CSV chunk (RowBatch.raw). */
  write(rows: ChunkValue[][], lines?: string[]): void {
    if (this.csvDelimiter !== undefined) {
      if (lines?.length !== rows.length) throw new Error('a CSV chunk needs each row\'s own text');
      if (lines.length > 0) this.append(`${lines.join('\n')}\n`);
      return;
    }
    for (let at = 0; at < rows.length; at += ROWS_PER_PIECE) {
      const slice = rows.length <= ROWS_PER_PIECE ? rows : rows.slice(at, at + ROWS_PER_PIECE);
      const json = holdsDates(slice) ? JSON.stringify(slice, replacer) : JSON.stringify(slice);
      // The piece's rows without its brackets join the chunk's one array (a slice: no copy).
      if (!this.empty) this.append(',');
      this.append(json.slice(1, -1));
      this.empty = false;
    }
  }

  /** The attachment's bytes, compressed; the encoder is done. */
  end(): Promise<Buffer> {
    if (this.csvDelimiter === undefined) this.append(']}');
    return compressStored(this.buffer.subarray(0, this.used));
  }

  /** Bytes written so far (before compression). */
  get size(): number {
    return this.used;
  }

  /** Where the encoder is now: `rewind` goes back there, as if nothing had been written since. */
  get mark(): EncoderMark {
    return { used: this.used, empty: this.empty };
  }

  rewind(mark: EncoderMark): void {
    this.used = mark.used;
    this.empty = mark.empty;
  }

  private append(text: string): void {
    const free = this.buffer.length - this.used;
    // The worst case decides without measuring; the exact size only when the worst case would not fit.
    if (text.length * UTF8_BYTES_PER_UNIT > free) {
      const needed = Buffer.byteLength(text);
      if (needed > free) {
        const grown = Buffer.allocUnsafeSlow(Math.max(this.used + needed, this.buffer.length * 2));
        this.buffer.copy(grown, 0, 0, this.used);
        this.buffer = grown;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }
}

/** A chunk's rows encoded: its compressed attachment, and its bytes before compression. */
export async function encodeChunk(chunk: Omit<Chunk, 'firstRow'>): Promise<{ data: Buffer; bytes: number }> {
  const encoder = new ChunkEncoder(chunk.columns);
  encoder.write(chunk.rows);
  const bytes = encoder.size;
  return { data: await encoder.end(), bytes };
}

/**
 * A CSV chunk's rows as text of ~16 KB per string, cut after a newline (never inside a character). The parser's
 * values are views into the string they come from: a value a caller keeps (an example, a group key) then keeps
 * 16 KB alive, not the whole chunk.
 */
function* textPieces(body: Buffer, from: number): Generator<string> {
  while (from < body.length) {
    const newline = body.indexOf(0x0a, Math.min(from + 16 * 1024, body.length - 1));
    const to = newline === -1 ? body.length : newline + 1;
    yield body.toString('utf8', from, to);
    from = to;
  }
}

/** `bytes`: the chunk's size before compression when its document says it (the output buffer is then made once). */
export function decodeChunk(data: Buffer, firstRow: number, bytes?: number): Chunk {
  const body = inflateStoredSync(data, bytes);
  if (body.subarray(0, CSV_CHUNK_HEADER.length).toString('latin1') === CSV_CHUNK_HEADER) {
    const headerEnd = body.indexOf(0x0a);
    const header = JSON.parse(body.toString('utf8', 0, headerEnd)) as { delimiter: string; columns: string[] };
    return { columns: header.columns, rows: parseCsvRows(textPieces(body, headerEnd + 1), header.delimiter, header.columns.length), firstRow };
  }
  const text = body.toString('utf8');
  // The reviver costs a call per value: only chunks that hold dates need it.
  const parsed = JSON.parse(text, text.includes('"$date"') ? reviver : undefined) as { columns: string[]; rows: ChunkValue[][] };
  return { columns: parsed.columns, rows: parsed.rows, firstRow };
}

/** A chunk ready to store: its document's fields and its compressed rows. */
export interface EncodedChunk {
  fields: Omit<ChunkDoc, '_rev'>;
  data: Buffer;
}

export const chunkFields = (
  datasetId: string, index: number, firstRow: number, rowCount: number, bytes: number, issues: ChunkDoc['issues'] = [],
): EncodedChunk['fields'] => ({ _id: chunkId(datasetId, index), kind: 'chunk', datasetId, index, firstRow, rowCount, bytes, issues, pieces: 1 });

const bodyOf = (chunk: EncodedChunk, rev?: string): Buffer =>
  docWithAttachment(rev ? { ...chunk.fields, _rev: rev } : chunk.fields, CHUNK_ATTACHMENT, COMPRESSED_CONTENT_TYPE, chunk.data);

/**
 * Stores chunks with `_bulk_docs`, rows inline as base64, as few requests as the body limit allows (idempotent: a
 * chunk written again, by a re-run parse, replaces the stored revision). Measured against pouchdb-server, several
 * chunks of ~100 KB in one request cost it half of what a document write plus a raw attachment PUT per chunk do:
 * per request costs dominate.
 */
export async function writeChunks(store: Store, chunks: EncodedChunk[]): Promise<void> {
  const db = store.db<ChunkDoc>('datasets');
  const inline = chunks.filter((chunk) => chunk.data.length <= INLINE_CHUNK_BYTES);
  for (const chunk of chunks) if (!inline.includes(chunk)) await writeChunkInPieces(store, chunk.fields, chunk.data);
  let pending = inline.map((chunk) => ({ chunk, rev: undefined as string | undefined }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    await store.client.authorize();
    const results = [];
    for (const body of bulkBodies(pending.map(({ chunk, rev }) => bodyOf(chunk, rev)))) results.push(...(await withRetry(() => db.bulk(body as never))));
    const conflicts = new Set(results.filter((r) => r.error === 'conflict').map((r) => r.id));
    const failed = results.find((r) => r.error && r.error !== 'conflict');
    if (failed || (conflicts.size > 0 && attempt >= 3)) {
      throw new Error(`chunk ${failed?.id ?? [...conflicts][0]} was not stored: ${failed?.error ?? 'conflict'} ${failed?.reason ?? ''}`);
    }
    if (conflicts.size === 0) return;
    // Rewriting chunks (a re-run parse): replace the stored revisions.
    const revs = await withRetry(() => db.list({ keys: [...conflicts] }));
    const revOf = new Map(revs.rows.map((row) => [row.key, 'value' in row ? row.value.rev : undefined]));
    pending = pending.filter(({ chunk }) => conflicts.has(chunk.fields._id)).map(({ chunk }) => ({ chunk, rev: revOf.get(chunk.fields._id) }));
  }
}

/** Writes one chunk (idempotent: rewriting the same index replaces it, so a re-run parse is harmless). */
export async function writeChunk(store: Store, datasetId: string, index: number, chunk: Chunk, issues: ChunkDoc['issues'] = []): Promise<void> {
  const { data, bytes } = await encodeChunk(chunk);
  await writeChunks(store, [{ fields: chunkFields(datasetId, index, chunk.firstRow, chunk.rows.length, bytes, issues), data }]);
}

const chunkMissing = (datasetId: string, index: number) =>
  new AppError('CHUNK_MISSING', 404, `Chunk ${index} of dataset ${datasetId} is missing; re-parse the dataset.`);

export async function readChunkDoc(store: Store, datasetId: string, index: number): Promise<ChunkDoc> {
  await store.client.authorize();
  try {
    return ChunkDoc.parse(await withRetry(() => store.db('datasets').get(chunkId(datasetId, index))));
  } catch (error) {
    if (isMissing(error)) throw chunkMissing(datasetId, index);
    throw error;
  }
}

/** Which chunks readChunkSpans reads: from `fromIndex` on, at most `limit`, and below `chunkCount` when given. */
export interface SpansWanted {
  fromIndex?: number;
  limit: number;
  /** The dataset's confirmed chunks: documents from this index on were left by a run that died, not rows of it. */
  chunkCount?: number;
}

/** The spans of a dataset's chunks in index order, read from their documents (not their rows). */
export async function readChunkSpans(store: Store, datasetId: string, wanted: SpansWanted): Promise<ChunkSpan[]> {
  const { fromIndex = 0, limit, chunkCount } = wanted;
  if (chunkCount !== undefined && fromIndex >= chunkCount) return [];
  const index = chunkCount === undefined ? { $gte: fromIndex } : { $gte: fromIndex, $lt: chunkCount };
  await store.client.authorize();
  const page = await withRetry(() => store.db<ChunkDoc>('datasets').find({
    selector: { datasetId: { $eq: datasetId }, index },
    fields: ['index', 'firstRow', 'rowCount', 'bytes'],
    use_index: 'by-dataset-chunk',
    limit,
  }));
  return (page.docs as ChunkSpan[]).sort((a, b) => a.index - b.index);
}

/** Reads one chunk's rows; a batch reads only the chunks it writes. */
export async function readChunk(store: Store, datasetId: string, index: number): Promise<Chunk> {
  const doc = await readChunkDoc(store, datasetId, index);
  return decodeChunk(await readChunkBytes(store, doc), doc.firstRow, doc.bytes);
}

/**
 * The chunks `indexes` names, in that order, decoded one at a time (bounded memory): their documents come in one
 * request rather than one each (a batch reads a few chunks; each request costs the store more than its bytes).
 */
export async function* readChunks(store: Store, datasetId: string, indexes: number[]): AsyncGenerator<Chunk> {
  if (indexes.length === 0) return;
  await store.client.authorize();
  const found = await withRetry(() => store.db('datasets').fetch({ keys: indexes.map((index) => chunkId(datasetId, index)) }));
  for (const [i, index] of indexes.entries()) {
    const row = found.rows[i] as { doc?: unknown };
    if (!row.doc) throw chunkMissing(datasetId, index);
    const doc = ChunkDoc.parse(row.doc);
    yield decodeChunk(await readChunkBytes(store, doc), doc.firstRow, doc.bytes);
  }
}

/** Chunks in order, one at a time (bounded memory). */
export async function* datasetChunks(store: Store, datasetId: string, chunkCount: number, from = 0): AsyncGenerator<Chunk & { index: number }> {
  for (let index = from; index < chunkCount; index++) yield { ...(await readChunk(store, datasetId, index)), index };
}

/**
 * Deletes every chunk of a dataset from `fromIndex` on (all by default: delete, failed parse; the tail: a shorter
 * re-parse); `goOn` is asked before each page (see deleteIdRange).
 */
export const deleteChunks = (store: Store, datasetId: string, fromIndex = 0, goOn?: () => Promise<boolean>) =>
  deleteIdRange(store, 'datasets', chunkIds(datasetId, fromIndex), goOn);
