import type { TransferRecord } from './model.js';

/** One record read from a source: its key there (for dead letters) and its fields. */
export interface SourceEntry { key: string; record: TransferRecord }

/** What a source read: its entries, and the position to save once the target confirmed them (a source that has one). */
export interface SourceBatch { entries: SourceEntry[]; position?: string }

/** A batch's first `count` entries and the rest (the rest keeps the position: it ends where the batch did). */
export const cutBatch = (batch: SourceBatch, count: number): [SourceBatch, SourceBatch] => [
  { entries: batch.entries.slice(0, count) },
  { entries: batch.entries.slice(count), position: batch.position },
];

/**
 * Where a transfer reads. `read` returns an empty batch when nothing is there now (after waiting up to
 * `waitMs` for records to arrive); `ack` removes or acknowledges a batch, and is called only after the target
 * confirmed every record of it. Records not acknowledged are read again after a crash.
 */
export interface TransferSource {
  read(max: number, waitMs: number): Promise<SourceBatch>;
  /**
   * The source may be read again before the last batch is acknowledged (each read answers the records after the
   * previous one's, and an unacknowledged batch is read again after a crash), so the next batch can be read while
   * the target writes this one. Sources whose position moves only at `ack` leave this unset.
   */
  readonly readAhead?: boolean;
  /**
   * A batch read ahead cut in two, each acknowledged on its own: its first `count` entries (written now, when the
   * target has room for no more) and the rest (kept for the next round). A source that acknowledges by its entries'
   * keys leaves this unset: the entries are cut as they are.
   */
  split?(batch: SourceBatch, count: number): [SourceBatch, SourceBatch];
  ack(batch: SourceBatch): Promise<void>;
  /** Records still to move: stream entries pending and unread, queue depth; undefined when unknown. */
  lag(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The target's answer for one record: written, or refused for a reason retrying will not change. */
export type WriteOutcome = { ok: true } | { ok: false; code: string; reason: string };

/**
 * How many more records the target takes before it is full (undefined: no bound), and what it holds against which
 * limit, for the page. The engine reads at most `free` records, so a bounded target never overflows.
 */
export interface Room { free?: number; used?: number; limit?: number; reason?: string }

/**
 * Where a transfer writes. `write` answers per record, in order, after the target confirmed them; a failure of
 * the whole call (the target unreachable) throws, and the batch is read again.
 */
export interface TransferTarget {
  room(): Promise<Room>;
  write(records: TransferRecord[]): Promise<WriteOutcome[]>;
  /** The transfer ended (completed, or stopped while running): a target with an end of its own reaches it. */
  finish?(): Promise<void>;
  close(): Promise<void>;
}
