/**
 * Matches Bulk result rows to the uploaded lines they echo (results may come back in any order, so the
 * cells are the only link). Results mostly follow the upload order, so the next untaken line is tried
 * first, comparing strings without hashing them; the first miss builds a map of every line (identical
 * lines chained), used from then on for the rows out of order.
 */
export class LineMatcher {
  readonly taken: Uint8Array;
  private cursor = 0;
  private byLine?: Map<string, number>;
  private next?: Int32Array;

  constructor(private readonly lines: readonly string[]) {
    this.taken = new Uint8Array(lines.length);
  }

  /** Starts again from the first line (each result file is in upload order on its own). */
  restart(): void {
    this.cursor = 0;
  }

  /** The index of an untaken line equal to `key`, now taken; undefined when none is left. */
  take(key: string): number | undefined {
    const { lines, taken } = this;
    while (this.cursor < lines.length && taken[this.cursor]) this.cursor++;
    if (this.cursor < lines.length && lines[this.cursor] === key) {
      taken[this.cursor] = 1;
      return this.cursor++;
    }
    const found = this.lookup(key);
    if (found !== undefined) this.cursor = found + 1;
    return found;
  }

  private lookup(key: string): number | undefined {
    if (!this.byLine || !this.next) {
      this.byLine = new Map();
      this.next = new Int32Array(this.lines.length).fill(-1);
      for (let i = this.lines.length - 1; i >= 0; i--) {
        const later = this.byLine.get(this.lines[i]);
        if (later !== undefined) this.next[i] = later;
        this.byLine.set(this.lines[i], i);
      }
    }
    let i = this.byLine.get(key) ?? -1;
    while (i >= 0 && this.taken[i]) i = this.next[i];
    if (i < 0) return undefined;
    this.taken[i] = 1;
    // Taken lines before it are never looked at again.
    if (this.next[i] >= 0) this.byLine.set(key, this.next[i]);
    return i;
  }
}
