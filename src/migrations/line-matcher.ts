import { csvFields, csvRecordCells, leadingCells, type ResultKind } from '../salesforce/index.js';
import { detached } from '../cut-text.js';

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

/** Where a result file's columns are, and whether its records may end with the uploaded line itself. */
interface Layout { leading: string[]; id: number; status: number; cells: number[]; verbatim: boolean }

/**
 * One Bulk result file read record by record (its header first) and matched to the uploaded lines. A record's text
 * after its sf__ cells is tried first as the uploaded line itself, as the Local org echoes it (no cells read, nothing
 * encoded again); otherwise its cells are read and the line made again from them (Salesforce quotes every cell), and
 * a file whose records did not match as text is read that way from then on.
 */
export class ResultFile {
  private layout?: Layout;

  constructor(private readonly kind: ResultKind, private readonly uploadedHeader: string[], private readonly matcher: LineMatcher) {}

  /**
   * The uploaded line's index a record echoes, with its `sf__Id` and its `sf__Created` or `sf__Error` (`status`);
   * undefined for the header and for a record that matches no untaken line.
   */
  read(line: string): { index: number; id?: string; status?: string } | undefined {
    const { layout } = this;
    if (!layout) {
      this.layout = this.layoutOf(csvRecordCells(line));
      return undefined;
    }
    if (layout.verbatim) {
      const { leading } = layout;
      const rest = leadingCells(line, leading);
      const index = rest < 0 ? undefined : this.matcher.take(line.slice(rest));
      if (index !== undefined) {
        // Detached: a slice would keep the whole piece of the body it came from alive as long as the batch's outcomes.
        return leading.length === 0 ? { index } : { index, id: detached(leading[0]), status: detached(leading[1]) };
      }
    }
    const cells = csvRecordCells(line);
    const index = this.matcher.take(csvFields(layout.cells.map((c) => cells[c] ?? '')));
    if (index === undefined) return undefined;
    layout.verbatim = false;
    return { index, id: cells[layout.id], status: cells[layout.status] };
  }

  private layoutOf(header: string[]): Layout {
    const lead = this.kind === 'unprocessedrecords' ? 0 : 2;
    const id = header.indexOf('sf__Id');
    const status = header.indexOf(this.kind === 'failedResults' ? 'sf__Error' : 'sf__Created');
    const cells = this.uploadedHeader.map((h) => header.indexOf(h));
    const inOrder = header.length === lead + cells.length && cells.every((c, i) => c === lead + i);
    // The sf__ cells read ahead of the echoed line, into one array reused for every record.
    return { leading: new Array<string>(lead).fill(''), id, status, cells, verbatim: inOrder && (lead === 0 || (id === 0 && status === 1)) };
  }
}
