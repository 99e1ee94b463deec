import type { Store } from '../store/index.js';
import type { Room } from './ends.js';
import type { MovedBatch } from './move-batch.js';
import type { BoundState, TransferDoc, TransferStatus } from './model.js';
import { updateTransfer } from './store.js';

/** How often counts, lag and the position are written to the transfer document (and its controls read back). */
const SAVE_EVERY_MS = 1000;

/**
 * A run's counts, bound state and position, kept in memory and written to the transfer document at most once a
 * second; each write also reads back what the page asked for (pause, stop) and whether this run still owns it.
 */
export class TransferProgress {
  private added = { recordsIn: 0, recordsOut: 0, skipped: 0, deadLetters: 0, batches: 0, errors: 0 };
  private position: string | undefined;
  private lag: number | undefined;
  private bound: BoundState | undefined;
  private savedAt = 0;
  /** The document as last written: its status is what the run obeys. */
  doc: TransferDoc;
  private readonly run: number;
  private readonly id: string;

  constructor(private readonly store: Store, id: string, doc: TransferDoc) {
    this.doc = doc;
    this.id = id;
    this.run = doc.run;
  }

  /** This run may go on: the transfer is running (or waiting on its bound) and no resume started a newer run. */
  get owned(): boolean {
    return this.docRunning(this.doc);
  }

  private docRunning(doc: TransferDoc): boolean {
    return doc.run === this.run && (doc.status === 'running' || doc.status === 'waiting');
  }

  batch(read: number, moved: MovedBatch, position: string | undefined): void {
    this.added.recordsIn += read;
    this.added.recordsOut += moved.written;
    this.added.skipped += moved.skipped;
    this.added.deadLetters += moved.refused.length;
    this.added.batches += 1;
    if (position !== undefined) this.position = position;
  }

  failedBatch(): void {
    this.added.errors += 1;
  }

  setLag(lag: number | undefined): void {
    this.lag = lag;
  }

  /** Full (no room) or not: the run shows `waiting` while the target is full. */
  setRoom(room: Room): void {
    const full = room.free === 0;
    const since = full ? (this.bound?.full ? this.bound.since : new Date().toISOString()) : undefined;
    this.bound = { full, used: room.used, limit: room.limit, reason: room.reason, since };
  }

  get due(): boolean {
    return Date.now() - this.savedAt >= SAVE_EVERY_MS;
  }

  /** Writes what changed; `end` sets a final status (completed, failed) when this run still owns the transfer. */
  async save(end?: { status: TransferStatus; error?: TransferDoc['error'] }): Promise<void> {
    const added = this.added;
    this.added = { recordsIn: 0, recordsOut: 0, skipped: 0, deadLetters: 0, batches: 0, errors: 0 };
    const updated = await updateTransfer(this.store, this.id, (doc) => {
      const counts = { ...doc.counts };
      for (const [key, value] of Object.entries(added) as [keyof typeof added, number][]) counts[key] += value;
      const running = this.docRunning(doc);
      const status = !running ? doc.status : end?.status ?? (this.bound?.full ? 'waiting' : 'running');
      const finished = end && running ? { finishedAt: new Date().toISOString(), error: end.error } : {};
      return {
        ...doc, counts, status, ...finished,
        ...(this.position !== undefined ? { position: this.position } : {}),
        ...(this.lag !== undefined ? { lag: this.lag } : {}),
        ...(this.bound ? { boundState: this.bound } : {}),
      };
    });
    if (updated) this.doc = updated;
    this.savedAt = Date.now();
  }
}
