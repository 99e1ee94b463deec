const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;

/**
 * A growable list of unsigned 32-bit integers in fixed 64K-entry pages: it grows without copying (no doubling
 * peak) and costs what it holds, then is copied once into an array of its exact size.
 */
export class IntList {
  private readonly pages: Uint32Array[] = [];
  length = 0;

  push(value: number): void {
    const at = this.length & (PAGE_SIZE - 1);
    if (at === 0) this.pages.push(new Uint32Array(PAGE_SIZE));
    this.pages[this.pages.length - 1][at] = value;
    this.length++;
  }

  /** Copies the values into `out` from `offset` on. */
  copyTo(out: Uint32Array, offset: number): void {
    this.pages.forEach((page, p) => {
      const from = p << PAGE_BITS;
      out.set(page.subarray(0, Math.min(PAGE_SIZE, this.length - from)), offset + from);
    });
  }
}
