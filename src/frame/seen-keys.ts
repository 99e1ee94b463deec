/**
 * The set of dedupe keys seen so far across all chunks and workers of one run.
 * `addMany` answers, per key in order, true when the key is seen for the first time.
 * `rows` (the keys' dataset row numbers) makes it idempotent: a chunk that is processed again
 * after a crash finds its own keys and keeps the same rows instead of dropping them all.
 */
export interface SeenKeys {
  addMany(keys: string[], rows?: number[]): Promise<boolean[]>;
}

/** For previews and tests: the same contract in process memory. */
export class InMemorySeenKeys implements SeenKeys {
  private readonly owners = new Map<string, number | undefined>();

  async addMany(keys: string[], rows?: number[]): Promise<boolean[]> {
    return keys.map((key, i) => {
      const row = rows?.[i];
      if (!this.owners.has(key)) { this.owners.set(key, row); return true; }
      return row !== undefined && this.owners.get(key) === row;
    });
  }
}
