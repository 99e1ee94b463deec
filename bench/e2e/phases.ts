// When each phase of an upload-and-run was first seen, from what the live page sees: the run's events (SSE) and its
// status JSON, fetched as the page fetches it. Seconds from the first byte of the upload.

export interface BatchView { batch: number; state: string; salesforce?: string }
export interface RunView {
  migration: { state: string; batchCount: number; following?: boolean };
  batches: BatchView[];
}

export const PHASES = {
  uploaded: 'upload answered',
  created: 'run created (columns known)',
  firstPlanned: 'first batch planned',
  firstJobOpen: 'first Bulk job open',
  firstBatchDone: 'first batch results stored',
  ready: 'dataset ready',
  lastUploaded: 'last batch uploaded (job closed)',
  allDone: 'every batch results stored',
  completed: 'completed',
} as const;
export type Phase = keyof typeof PHASES;

/** Bulk job states after its upload was closed. */
const CLOSED = new Set(['UploadComplete', 'InProgress', 'JobComplete', 'Failed', 'Aborted']);

export class PhaseClock {
  readonly at: Partial<Record<Phase, number>> = {};
  /** Most batches seen running at once. */
  peakRunning = 0;
  private migration?: RunView['migration'];
  /** Each batch as last seen, from a status or a batch event, whichever came later. */
  private readonly batches = new Map<number, BatchView>();

  constructor(private readonly started: number) {}

  /** Notes a phase the first time it is seen. */
  mark(phase: Phase): void {
    this.at[phase] ??= (performance.now() - this.started) / 1000;
  }

  /** A status JSON of the run. */
  see(view: RunView): void {
    this.migration = view.migration;
    for (const b of view.batches) this.batches.set(b.batch, b);
    this.update();
  }

  /** A batch event of the run's stream (a batch runs: it was planned). */
  seeBatch(batch: BatchView): void {
    this.batches.set(batch.batch, batch);
    this.update();
  }

  private update(): void {
    const batches = [...this.batches.values()];
    if ((this.migration?.batchCount ?? 0) > 0 || batches.length > 0) this.mark('firstPlanned');
    if (batches.some((b) => b.salesforce !== undefined && b.salesforce !== 'collections')) this.mark('firstJobOpen');
    if (batches.some((b) => b.state === 'done')) this.mark('firstBatchDone');
    this.peakRunning = Math.max(this.peakRunning, batches.filter((b) => b.state === 'running').length);
    const migration = this.migration;
    const planned = migration?.following === false && batches.length === migration.batchCount && batches.length > 0;
    if (planned && batches.every((b) => b.state === 'done' || CLOSED.has(b.salesforce ?? ''))) this.mark('lastUploaded');
    if (planned && batches.every((b) => b.state === 'done')) this.mark('allDone');
  }

  /** One line per phase seen, in time order. */
  lines(): string[] {
    return (Object.entries(this.at) as [Phase, number][])
      .sort((a, b) => a[1] - b[1])
      .map(([phase, seconds]) => `${seconds.toFixed(1).padStart(6)} s  ${PHASES[phase]}`);
  }
}
