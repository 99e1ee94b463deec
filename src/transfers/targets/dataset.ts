import type { Redis } from 'ioredis';
import type { Store } from '../../store/index.js';
import {
  Batcher, CHUNK_BYTES, ChunkSink, getDataset, insertDataset, isFullChunk, newDatasetId, publishProgress, readChunk,
  readChunkDoc, updateDataset, type ChunkValue, type DatasetDoc,
} from '../../datasets/index.js';
import { AppError } from '../../errors.js';
import type { Room, TransferTarget, WriteOutcome } from '../ends.js';
import type { TransferRecord } from '../model.js';
import { finishDataset } from './dataset-finish.js';
import type { DatasetWrittenKeys } from './dataset-keys.js';
import { keyMissing, recordKey } from './record-keys.js';

/** The dataset a transfer fills, made when the transfer is created: `exporting` (no file) until the transfer ends. */
export async function createTransferDataset(
  store: Store, transfer: { id: string; name: string; createdBy: string; createdAt: string },
): Promise<DatasetDoc> {
  const at = transfer.createdAt;
  return insertDataset(store, {
    _id: newDatasetId(), kind: 'dataset', name: transfer.name, fileName: `${transfer.name}.csv`, sizeBytes: 0, blobId: '',
    uploadedBy: transfer.createdBy, createdAt: at, updatedAt: at, status: 'exporting', transferId: transfer.id,
    parseOptions: {}, columns: [], headerRenames: [], rowCount: 0, chunkCount: 0, issueCount: 0, profile: [], notices: [],
    parseRun: 0,
  });
}

const gone = (datasetId: string) =>
  new AppError('TRANSFER_DATASET_GONE', 409, `Dataset ${datasetId} was deleted or finished: the transfer has nowhere to write.`);

/** Where a dataset target writes: the dataset, its row limit, and the keys of its rows when records have key fields. */
export interface DatasetEnd { datasetId: string; bound: number | undefined; keys?: { fields: string[]; written: DatasetWrittenKeys } }

/** Rows handed to the chunk sink at a time (fewer when long: see Batcher), as a parse hands them. */
const ROWS_PER_BATCH = 500;

/**
 * The confirmed rows of the dataset's last chunk when more rows go into it: none when it is full and holds just
 * them. A run that died may have stored more rows in it (written over by the next write, or cut at the end) and
 * chunks after it (no reader goes past `chunkCount`; the end deletes them). A chunk of older code (5,000 rows a
 * chunk, no `bytes`) is taken back the same way, and cut at once if its rows fill it.
 */
async function tailOf(store: Store, doc: DatasetDoc): Promise<ChunkValue[][]> {
  if (doc.chunkCount === 0) return [];
  const last = await readChunkDoc(store, doc._id, doc.chunkCount - 1);
  const confirmed = doc.rowCount - last.firstRow + 1;
  if (last.rowCount < confirmed) throw new Error(`chunk ${last.index} of ${doc._id} holds fewer rows than confirmed`);
  if (last.rowCount === confirmed && isFullChunk(last.rowCount, last.bytes ?? 0)) return [];
  return (await readChunk(store, doc._id, last.index)).rows.slice(0, confirmed);
}

/** The columns with the records' new fields at the end. */
function withNewFields(columns: string[], records: TransferRecord[]): string[] {
  const all = [...columns];
  const known = new Set(columns);
  for (const field of records.flatMap((record) => Object.keys(record))) {
    if (known.has(field)) continue;
    known.add(field);
    all.push(field);
  }
  return all;
}

/** What a write stored: the dataset's rows and chunks with it, and the rows of its last chunk when not full. */
interface StoredRows { rowCount: number; chunkCount: number; tail: ChunkValue[][] }

/**
 * A DMS dataset filled batch by batch, cut into chunks as a parse cuts them (ChunkSink: CHUNK_ROWS rows, fewer once
 * their text reaches CHUNK_BYTES), so every reader of a dataset reads it as an upload's. A write stores the rows (the
 * last chunk, while not full, written again with them) and then the dataset's row and chunk counts: the counts are
 * what is confirmed, so rows and chunks stored past them by a run that died are written over by the next or never
 * read. Columns: those of the first records, then any new field as a new column at the end. The bound is a row
 * limit. With key fields, a record whose key is at a confirmed row (written within the window) is not written
 * again: a batch read again after a crash.
 */
export class DatasetTarget implements TransferTarget {
  private constructor(
    private readonly store: Store, private readonly redis: Redis, private readonly end: DatasetEnd,
    private columns: string[], private rowCount: number, private chunkCount: number,
    /** Rows of the last chunk while it is not full (they are written again with the next rows). */
    private tail: ChunkValue[][],
  ) {}

  private get datasetId(): string {
    return this.end.datasetId;
  }

  static async open(store: Store, redis: Redis, end: DatasetEnd): Promise<DatasetTarget> {
    const doc = await getDataset(store, end.datasetId);
    if (doc.status !== 'exporting' || !doc.transferId) throw gone(end.datasetId);
    return new DatasetTarget(store, redis, end, doc.columns, doc.rowCount, doc.chunkCount, await tailOf(store, doc));
  }

  async room(): Promise<Room> {
    const { bound } = this.end;
    if (bound === undefined) return {};
    const used = this.rowCount;
    const reason = `dataset ${this.datasetId} holds ${used} of ${bound} rows`;
    return { free: Math.max(0, bound - used), used, limit: bound, reason };
  }

  async write(records: TransferRecord[]): Promise<WriteOutcome[]> {
    const { keys } = this.end;
    if (!keys) {
      await this.append(records);
      return records.map((): WriteOutcome => ({ ok: true }));
    }
    const keyOf = records.map((record) => recordKey(record, keys.fields));
    const given = [...new Set(keyOf.filter((key) => key !== undefined))];
    const written = await keys.written.written(given, this.rowCount);
    const seen = new Set(given.filter((_, i) => written[i]));
    const fresh: TransferRecord[] = [];
    const freshKeys: string[] = [];
    const noKey = keyMissing(keys.fields);
    const outcomes = records.map((record, i): WriteOutcome => {
      const key = keyOf[i];
      if (key === undefined) return noKey;
      // Written before (a batch read again), or earlier in this batch: the target has it once.
      if (seen.has(key)) return { ok: true };
      seen.add(key);
      fresh.push(record);
      freshKeys.push(key);
      return { ok: true };
    });
    // The keys are noted before the row count that confirms their rows: a crash in between leaves them unconfirmed.
    if (fresh.length > 0) await this.append(fresh, () => keys.written.note(freshKeys, this.rowCount));
    return outcomes;
  }

  /** Stores records as the rows after the confirmed ones, then (after `beforeCount`) the counts that confirm them. */
  private async append(records: TransferRecord[], beforeCount?: () => Promise<void>): Promise<void> {
    const columns = withNewFields(this.columns, records);
    const rows = records.map((record) => columns.map((column) => record[column] ?? null));
    const stored = await this.storeRows(columns, rows);
    await beforeCount?.();
    const { rowCount, chunkCount } = stored;
    const confirmed = await updateDataset(this.store, this.datasetId, (doc) => (doc.status === 'exporting'
      ? { ...doc, columns, rowCount, chunkCount, progress: { bytesRead: 0, rowsRead: rowCount } }
      : undefined));
    if (!confirmed) throw gone(this.datasetId);
    this.columns = columns;
    this.rowCount = rowCount;
    this.chunkCount = chunkCount;
    this.tail = stored.tail;
    const progress = { status: 'exporting' as const, bytesRead: 0, sizeBytes: 0, rowsRead: rowCount, chunks: chunkCount };
    await publishProgress(this.redis, this.datasetId, progress).catch(() => undefined);
  }

  /** The tail and the new rows, cut into chunks from the tail's chunk on (the first chunk after the confirmed ones). */
  private async storeRows(columns: string[], fresh: ChunkValue[][]): Promise<StoredRows> {
    const tailChunks = this.tail.length > 0 ? 1 : 0;
    const after = { chunkCount: this.chunkCount - tailChunks, rowCount: this.rowCount - this.tail.length };
    const sink = new ChunkSink(this.store, this.datasetId, CHUNK_BYTES, after);
    await sink.reopen({ columns, rows: this.tail, issues: [], firstRowNumber: after.rowCount + 1 });
    const batches = new Batcher(ROWS_PER_BATCH, columns);
    for (const row of fresh) batches.push(row);
    for (const batch of batches.drain(true)) await sink.add(batch);
    const rows = [...this.tail, ...fresh];
    const tail = rows.slice(rows.length - sink.openRows);
    await sink.end();
    return { rowCount: sink.rowCount, chunkCount: sink.chunkCount, tail };
  }

  /** The transfer ended: the dataset becomes ready, to preview and migrate as an upload (and is never written again). */
  async finish(): Promise<void> {
    await finishDataset(this.store, this.redis, this.datasetId);
    await this.end.keys?.written.clear();
  }

  async close(): Promise<void> {}
}
