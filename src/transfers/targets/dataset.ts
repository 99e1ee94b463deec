import type { Redis } from 'ioredis';
import type { Store } from '../../store/index.js';
import {
  CHUNK_ROWS, getDataset, insertDataset, newDatasetId, publishProgress, readChunk, updateDataset, writeChunk,
  type ChunkValue, type DatasetDoc,
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

/**
 * A DMS dataset filled batch by batch, in chunks of CHUNK_ROWS rows as a parse writes them. A write stores the rows
 * (the last, partial chunk written again with them) and then the dataset's row count: the count is what is
 * confirmed, so rows stored past it by a run that died are written over by the next. Columns: those of the first
 * records, then any new field as a new column at the end. The bound is a row limit. With key fields, a record whose
 * key is at a confirmed row (written within the window) is not written again: a batch read again after a crash.
 */
export class DatasetTarget implements TransferTarget {
  private constructor(
    private readonly store: Store, private readonly redis: Redis, private readonly end: DatasetEnd,
    private columns: string[], private rowCount: number,
    /** Rows of the last chunk while it is not full (they are written again with the next rows). */
    private tail: ChunkValue[][],
  ) {}

  private get datasetId(): string {
    return this.end.datasetId;
  }

  static async open(store: Store, redis: Redis, end: DatasetEnd): Promise<DatasetTarget> {
    const { datasetId } = end;
    const doc = await getDataset(store, datasetId);
    if (doc.status !== 'exporting' || !doc.transferId) throw gone(datasetId);
    const inTail = doc.rowCount % CHUNK_ROWS;
    const tail = inTail > 0 ? (await readChunk(store, datasetId, Math.floor(doc.rowCount / CHUNK_ROWS))).rows.slice(0, inTail) : [];
    return new DatasetTarget(store, redis, end, doc.columns, doc.rowCount, tail);
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

  /** Stores records as the rows after the confirmed ones, then (after `beforeCount`) the row count that confirms them. */
  private async append(records: TransferRecord[], beforeCount?: () => Promise<void>): Promise<void> {
    const columns = [...this.columns];
    const known = new Set(columns);
    for (const field of records.flatMap((record) => Object.keys(record))) {
      if (known.has(field)) continue;
      known.add(field);
      columns.push(field);
    }
    let tail = [...this.tail, ...records.map((record) => columns.map((column) => record[column] ?? null))];
    let index = Math.floor(this.rowCount / CHUNK_ROWS);
    while (tail.length > 0) {
      const rows = tail.slice(0, CHUNK_ROWS);
      await writeChunk(this.store, this.datasetId, index, { columns, rows, firstRow: index * CHUNK_ROWS + 1 });
      if (rows.length < CHUNK_ROWS) break;
      tail = tail.slice(CHUNK_ROWS);
      index++;
    }
    await beforeCount?.();
    const rowCount = this.rowCount + records.length;
    const chunkCount = Math.ceil(rowCount / CHUNK_ROWS);
    const stored = await updateDataset(this.store, this.datasetId, (doc) => (doc.status === 'exporting'
      ? { ...doc, columns, rowCount, chunkCount, progress: { bytesRead: 0, rowsRead: rowCount } }
      : undefined));
    if (!stored) throw gone(this.datasetId);
    this.columns = columns;
    this.rowCount = rowCount;
    this.tail = tail;
    const progress = { status: 'exporting' as const, bytesRead: 0, sizeBytes: 0, rowsRead: rowCount, chunks: chunkCount };
    await publishProgress(this.redis, this.datasetId, progress).catch(() => undefined);
  }

  /** The transfer ended: the dataset becomes ready, to preview and migrate as an upload (and is never written again). */
  async finish(): Promise<void> {
    await finishDataset(this.store, this.redis, this.datasetId);
    await this.end.keys?.written.clear();
  }

  async close(): Promise<void> {}
}
