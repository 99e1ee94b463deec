import { PagedInts } from './paged-ints.js';

const NOT_INDEXED = -2;
const END = -1;
/** Rows per bucket before the buckets double: chains stay short and the heads cost 2 bytes a row. */
const LOAD = 2;

/** FNV-1a over UTF-16 code units: a 32-bit fingerprint of an index key. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Maps a key's 32-bit hash to row numbers with chaining in typed arrays: a bucket head per slot and, per row, its
 * hash and the next row of its chain (8 bytes a row, no string kept). Callers confirm a candidate row by reading
 * its value, since different keys may share a hash.
 */
export class HashIndex {
  private heads = new Int32Array(1024).fill(END);
  private readonly next = new PagedInts(Int32Array, NOT_INDEXED);
  private readonly hashes = new PagedInts(Uint32Array);
  private count = 0;
  private maxRow = -1;

  add(row: number, hash: number): void {
    if (this.next.get(row) !== NOT_INDEXED) this.remove(row);
    if (this.count >= this.heads.length * LOAD) this.grow();
    const slot = hash & (this.heads.length - 1);
    this.hashes.set(row, hash);
    this.next.set(row, this.heads[slot]);
    this.heads[slot] = row;
    this.count++;
    if (row > this.maxRow) this.maxRow = row;
  }

  remove(row: number): void {
    const after = this.next.get(row);
    if (after === NOT_INDEXED) return;
    const slot = this.hashes.get(row) & (this.heads.length - 1);
    if (this.heads[slot] === row) this.heads[slot] = after;
    else {
      let at = this.heads[slot];
      while (at !== END && this.next.get(at) !== row) at = this.next.get(at);
      if (at !== END) this.next.set(at, after);
    }
    this.next.set(row, NOT_INDEXED);
    this.count--;
  }

  /** Rows whose key has `hash`, newest first; stops early when `visit` returns true. */
  candidates(hash: number, visit: (row: number) => boolean | void): void {
    for (let at = this.heads[hash & (this.heads.length - 1)]; at !== END; at = this.next.get(at)) {
      if (this.hashes.get(at) === hash && visit(at) === true) return;
    }
  }

  clear(): void {
    this.heads = new Int32Array(1024).fill(END);
    this.next.clear();
    this.hashes.clear();
    this.count = 0;
    this.maxRow = -1;
  }

  private grow(): void {
    const heads = new Int32Array(this.heads.length * 2).fill(END);
    const mask = heads.length - 1;
    for (let row = 0; row <= this.maxRow; row++) {
      if (this.next.get(row) === NOT_INDEXED) continue;
      const slot = this.hashes.get(row) & mask;
      this.next.set(row, heads[slot]);
      heads[slot] = row;
    }
    this.heads = heads;
  }
}
