const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

type IntArray = Int32Array | Uint32Array | Uint8Array;
type IntArrayOf = new (length: number) => IntArray;

/**
 * A growable array of integers in fixed 64K-entry typed-array pages, allocated on first write: it grows without
 * copying (no doubling peak) and a sparse range costs only the pages it touches.
 */
export class PagedInts {
  private pages: (IntArray | undefined)[] = [];

  constructor(private readonly kind: IntArrayOf, private readonly empty = 0) {}

  get(i: number): number {
    const page = this.pages[i >>> PAGE_BITS];
    return page === undefined ? this.empty : page[i & PAGE_MASK];
  }

  set(i: number, value: number): void {
    let page = this.pages[i >>> PAGE_BITS];
    if (page === undefined) {
      page = new this.kind(PAGE_SIZE);
      if (this.empty !== 0) page.fill(this.empty);
      this.pages[i >>> PAGE_BITS] = page;
    }
    page[i & PAGE_MASK] = value;
  }

  /** Copies entries 0..length-1 into `out` from `offset` on (pages never written copy as `empty`). */
  copyTo(out: IntArray, offset: number, length: number): void {
    for (let from = 0; from < length; from += PAGE_SIZE) {
      const page = this.pages[from >>> PAGE_BITS];
      const count = Math.min(PAGE_SIZE, length - from);
      if (page) out.set(page.subarray(0, count), offset + from);
      else out.fill(this.empty, offset + from, offset + from + count);
    }
  }

  clear(): void {
    this.pages = [];
  }

  bytes(): number {
    return this.pages.reduce((n, p) => n + (p?.byteLength ?? 0), 0);
  }
}
