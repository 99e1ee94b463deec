// When each phase of an upload-and-run was first seen, from the run's status JSON polled by the bench (100 ms apart):
// where the end-to-end time goes. Seconds from the first byte of the upload.

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

  constructor(private readonly started: number) {}

  /** Notes a phase the first time it is seen. */
  mark(phase: Phase): void {
    this.at[phase] ??= (performance.now() - this.started) / 1000;
  }

  see(view: RunView): void {
    const { migration, batches } = view;
    if (migration.batchCount > 0) this.mark('firstPlanned');
    if (batches.some((b) => b.salesforce !== undefined && b.salesforce !== 'collections')) this.mark('firstJobOpen');
    if (batches.some((b) => b.state === 'done')) this.mark('firstBatchDone');
    this.peakRunning = Math.max(this.peakRunning, batches.filter((b) => b.state === 'running').length);
    const planned = migration.following === false && batches.length === migration.batchCount && batches.length > 0;
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
