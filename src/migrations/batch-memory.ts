/**
 * The most row text one batch holds (its chunks' stored bytes, shared evenly among their rows; planBatches cuts a
 * batch there): a worker holds a batch's rows, their upload lines, a part's bytes and its results (and for an upsert
 * the records it replaces) at once, so 25,000 rows of 60 KB (1.5 GB) would end its heap. 3,000 rows of 40-78 KB of CJK
 * and emoji, inserted, upserted over themselves or all failing, 4 batches at once: worker peak 440-495 MB RSS with
 * 8 MB batches, up to 630 with 16 MB, 640 with 32 MB. Rows of ordinary size (~100 bytes: 2.5 MB a batch) never reach it.
 */
export const BATCH_BYTES = 8 * 1024 * 1024;

/** The row text a worker process's batches hold at once: four full batches, as measured above. */
export const BATCHES_IN_MEMORY_BYTES = 4 * BATCH_BYTES;

/**
 * The row text of the batches one worker process holds at once (their rows, upload lines and results), bounded apart
 * from how many batches run at once: batches of ordinary rows (~2.5 MB for 25,000) run as many at once as the queue
 * lets them, batches of huge rows wait here for earlier ones to end. A batch is always let in when nothing is held (a
 * batch larger than the bound still runs, alone). Batches are let in in the order they asked.
 */
export class BatchMemory {
  private held = 0;
  private readonly waiting: { bytes: number; admit: () => void }[] = [];

  constructor(private readonly limit: number) {}

  get heldBytes(): number {
    return this.held;
  }

  /** Resolves, once `bytes` fit beside what is held, to the function that gives them back (calling it twice is harmless). */
  hold(bytes: number): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push({ bytes, admit: () => resolve(this.releaseOf(bytes)) });
      this.admitWaiting();
    });
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && (this.held === 0 || this.held + this.waiting[0].bytes <= this.limit)) {
      const next = this.waiting.shift() as (typeof this.waiting)[number];
      this.held += next.bytes;
      next.admit();
    }
  }

  private releaseOf(bytes: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
      this.admitWaiting();
    };
  }
}
