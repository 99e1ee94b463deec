import type { KeysSeen, WriteOutcome } from '../data/dml.js';
import { PagedInts } from '../data/paged-ints.js';
import type { Table } from '../data/table.js';

/**
 * The upsert keys a Bulk job has seen, without keeping them as text: a key used before either failed (those few
 * are kept as text) or now belongs to a record this job wrote (one bit per row of the table, 1.25 MB for 10,000,000
 * rows, where a Set of a 1,000,000-row job's keys took about 70 MB). A record's key changed by another call while
 * the job runs is not seen.
 */
export class JobKeys implements KeysSeen {
  private readonly written = new PagedInts(Uint32Array);
  private readonly failed = new Set<string>();

  constructor(private readonly table: Table) {}

  seen(key: string, ids: string[]): boolean {
    return this.failed.has(key) || ids.some((id) => this.wrote(this.table.rowNumber(id)));
  }

  remember(key: string, outcome: WriteOutcome): void {
    const r = outcome.errors || !outcome.id ? -1 : this.table.rowNumber(outcome.id);
    if (r < 0) this.failed.add(key);
    else this.written.set(r >>> 5, (this.written.get(r >>> 5) | (1 << (r & 31))) >>> 0);
  }

  private wrote(r: number): boolean {
    return r >= 0 && (this.written.get(r >>> 5) & (1 << (r & 31))) !== 0;
  }
}
