/**
 * Batches of one worker process prepare one at a time, in the order they asked. Preparing is CPU work on the process's
 * one thread: batches that start together (a run's first `concurrency` batches) and interleave at every chunk read all
 * finish together, so a 1M-row run opened its first Bulk job ~1 s after its first batch began, the org idle until then
 * (bench/e2e: 0.7 s earlier through the lane). A batch waits at most `maxWaitMs` for the one before it: a prepare that
 * hangs (a lookup that is not answered) holds up the others of its process no longer than that.
 */
export class PrepareLane {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly maxWaitMs = 10_000) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.waitForTurn(this.tail).then(work);
    // The next waits for this one to end, failed or not.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private waitForTurn(before: Promise<unknown>): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((resolve) => {
      timer = setTimeout(resolve, this.maxWaitMs);
    });
    return Promise.race([before, late]).finally(() => clearTimeout(timer));
  }
}
