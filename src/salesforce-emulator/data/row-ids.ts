import { PagedInts } from './paged-ints.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE62.length; i++) DIGIT[BASE62.charCodeAt(i)] = i;
const MAX_SEQUENCE = 2 ** 31 - 1;

/** The sequence number inside an id made by makeId with `salt`, or -1 for any other id. */
export function sequenceOfId(id: string, salt: string | null): number {
  if (id.length < 15 || id.slice(3, 6) !== salt) return -1;
  let n = 0;
  for (let i = 6; i < 15; i++) {
    const code = id.charCodeAt(i);
    const digit = code < 128 ? DIGIT[code] : -1;
    if (digit < 0) return -1;
    n = n * 62 + digit;
    if (n > MAX_SEQUENCE) return -1;
  }
  return n;
}

/**
 * Row numbers by record id without a string per record. An id made by makeId is key prefix, 3 salt characters and
 * a base-62 sequence number; ids with this table's salt (taken from the first id seen) map through a paged array
 * by sequence (4 bytes a sequence number), any other id (the org id, ids loaded from elsewhere) through a Map.
 */
export class RowIds {
  private salt: string | null = null;
  private readonly bySequence = new PagedInts(Int32Array, -1);
  private readonly others = new Map<string, number>();

  /** The highest sequence number set, among ids with `salt` (after a restart the org's next id comes after it). */
  private highest = 0;

  maxSequence(salt: string): number {
    return salt === this.salt ? this.highest : 0;
  }

  rowOf(id: string): number {
    const sequence = sequenceOfId(id, this.salt);
    return sequence >= 0 ? this.bySequence.get(sequence) : (this.others.get(id.slice(0, 15)) ?? -1);
  }

  set(id: string, row: number): void {
    if (id.length >= 15) this.salt ??= id.slice(3, 6);
    const sequence = sequenceOfId(id, this.salt);
    if (sequence >= 0) {
      this.bySequence.set(sequence, row);
      if (sequence > this.highest) this.highest = sequence;
    }
    else this.others.set(id.slice(0, 15), row);
  }

  clear(): void {
    this.salt = null;
    this.highest = 0;
    this.bySequence.clear();
    this.others.clear();
  }
}
