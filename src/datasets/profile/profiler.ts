import type { CellValue, RowBatch } from '../readers/types.js';
import { CUT_MARK, cutText, detached, textPrefix } from '../../cut-text.js';
import { HyperLogLog } from './hyperloglog.js';
import { inferTextType, inferValueType, widenType, type ColumnType } from './infer.js';
import type { ColumnProfile } from './schema.js';

const EXACT_DISTINCT_LIMIT = 10_000;
const EXAMPLES = 5;
/** Texts kept per column: min, max and the examples. */
const KEPT_TEXTS = 2 + EXAMPLES;
/** Longest min, max or example kept; cut ones end in CUT_MARK. */
export const PROFILE_TEXT_CHARS = 64;
/**
 * All kept texts of all columns together stay within this many characters (at most 3 bytes each in a CouchDB
 * document): a file with more than 223 columns gets shorter texts (14 characters at 1,000 columns), so that the
 * dataset document stays under Cloudant's 1 MB whatever the cells hold.
 */
export const PROFILE_TEXT_BUDGET = 100_000;
/** The distinct count keeps a text longer than this as its start, length and a 64-bit hash (memory stays bounded). */
const DISTINCT_KEY_CHARS = 64;
const isNumeric = (type: ColumnType): boolean => type === 'integer' || type === 'number';

/** Blank text (what trim() empties), checking the ends before trimming anything. */
const isBlank = (text: string): boolean => {
  const n = text.length;
  if (n === 0) return true;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  return (first <= 32 || first === 0xa0 || first >= 0x1680 || last <= 32 || last === 0xa0 || last >= 0x1680) && text.trim() === '';
};

const asText = (value: Exclude<CellValue, null>): string => (value instanceof Date ? value.toISOString() : String(value));

// The readers' values are slices of the 64 KB text they were parsed from: only values that are kept are detached (at
// most the exact-count limit per column, the examples, and a column's min and max once per batch: sorted data has a new
// max on every row, which stays a view until the batch ends), else a column whose distinct values arrive through the
// whole file (sorted data) would keep ~all of it.

/** Two 32-bit FNV-1a hashes (different offsets) of a long text, with its start and length: a distinct-count key. */
function distinctKey(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return detached(`${textPrefix(text, 32)}\u0000${text.length}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`);
}

/** The length of each kept text, for a file of `columns` columns (see PROFILE_TEXT_BUDGET). */
export const profileTextChars = (columns: number): number =>
  Math.max(4, Math.min(PROFILE_TEXT_CHARS, Math.floor(PROFILE_TEXT_BUDGET / (KEPT_TEXTS * Math.max(1, columns)))));

/**
 * Number(text) for plain decimals of at most 15 digits (what numeric columns mostly hold) without a call into the
 * runtime; anything else goes to Number. Exact: an integer below 2^53 divided by a power of ten up to 10^15 is
 * correctly rounded, as Number's own result is.
 */
function toNumber(text: string): number {
  const n = text.length;
  if (n > 17) return Number(text);
  const first = text.charCodeAt(0);
  let i = first === 45 || first === 43 ? 1 : 0;
  let value = 0;
  let digits = 0;
  let scale = 1;
  let dot = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      if (dot) scale *= 10;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      return Number(text);
    }
  }
  if (digits === 0 || digits > 15) return Number(text);
  const magnitude = dot ? value / scale : value;
  return first === 45 ? -magnitude : magnitude;
}

/**
 * `a < b` as -1, `a > b` as 1, else 0: the order of JavaScript's string comparison (UTF-16 code units), in a loop the
 * compiler inlines. The parser's values are slices of a larger text, which `<` compares through a runtime call that
 * cost more than the rest of a value's profiling (most values share their start with the min or max: sorted ids).
 */
function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

class ColumnAccumulator {
  private type: ColumnType = 'empty';
  private count = 0;
  private nulls = 0;
  /** Texts as they are, or as distinctKey when longer than DISTINCT_KEY_CHARS. */
  private exact: Set<string> | null = new Set();
  private sketch: HyperLogLog | null = null;
  private minNumber = Infinity;
  private maxNumber = -Infinity;
  /**
   * Kept cut to textChars (without the mark). Comparing a whole value with a cut one still ends on the cut of the
   * true min or max: a value between a cut text and the text it was cut from starts with the cut text.
   */
  private minText: string | null = null;
  private maxText: string | null = null;
  private minCut = false;
  private maxCut = false;
  /** minText / maxText may be views into the batch's text (set during this batch, not copied yet): see settle(). */
  private minLoose = false;
  private maxLoose = false;
  /** First character codes of minText and maxText: most values differ from both there, and need no string comparison. */
  private minFirst = 0;
  private maxFirst = 0;
  /** Cut and marked already (cutText). */
  private readonly examples: string[] = [];
  /** Whether every value so far was text: then a value already counted exactly cannot change anything but the count. */
  private onlyText = true;

  constructor(private readonly name: string, private readonly textChars: number) {}

  add(value: CellValue | undefined): void {
    this.count += 1;
    if (value === null || value === undefined) {
      this.nulls += 1;
      return;
    }
    let valueType: ColumnType;
    let text: string;
    let key: string;
    if (typeof value === 'string') {
      key = value.length > DISTINCT_KEY_CHARS ? distinctKey(value) : value;
      // A repeated text (same type, min, max and examples as the first time) costs one lookup.
      if (this.onlyText && this.exact !== null && this.exact.has(key)) return;
      // Once a column is string, no value can narrow it again: skip inference.
      valueType = this.type === 'string' ? (isBlank(value) ? 'empty' : 'string') : inferTextType(value);
      text = value;
    } else {
      this.onlyText = false;
      valueType = inferValueType(value);
      text = asText(value);
      key = text.length > DISTINCT_KEY_CHARS ? distinctKey(text) : text;
    }
    if (valueType === 'empty') {
      this.nulls += 1;
      return;
    }
    if (valueType !== this.type) this.type = widenType(this.type, valueType);
    const first = text.charCodeAt(0);
    const newMin = this.minText === null || (first <= this.minFirst && compareText(text, this.minText) < 0);
    const newMax = this.maxText === null || (first >= this.maxFirst && compareText(text, this.maxText) > 0);
    const example = this.examples.length < EXAMPLES ? cutText(text, this.textChars) : undefined;
    const isExample = example !== undefined && !this.examples.includes(example);
    // A text that is kept anywhere is copied out of the parsed text once (a short text: one copy for every use).
    const whole = key === text && (this.exact || isExample) ? detached(text) : undefined;
    if (this.exact) {
      this.exact.add(whole ?? key);
      if (this.exact.size > EXACT_DISTINCT_LIMIT) this.switchToSketch();
    } else {
      this.sketch?.add(whole ?? key);
    }
    if (isExample) this.examples.push(text.length <= this.textChars && whole !== undefined ? whole : detached(example));
    if (isNumeric(valueType)) {
      const number = typeof value === 'number' ? value : toNumber(text);
      if (number < this.minNumber) this.minNumber = number;
      if (number > this.maxNumber) this.maxNumber = number;
    }
    if (!newMin && !newMax) return;
    const cut = text.length > this.textChars;
    const loose = !cut && whole === undefined;
    const kept = cut ? detached(textPrefix(text, this.textChars)) : (whole ?? text);
    if (newMin) {
      this.minText = kept;
      this.minCut = cut;
      this.minFirst = first;
      this.minLoose = loose;
    }
    if (newMax) {
      this.maxText = kept;
      this.maxCut = cut;
      this.maxFirst = first;
      this.maxLoose = loose;
    }
  }

  /** At the end of a batch: a min or max still a view into its text is copied, so the batch's text can go. */
  settle(): void {
    if (this.minLoose && this.minText !== null) this.minText = detached(this.minText);
    if (this.maxLoose && this.maxText !== null) this.maxText = detached(this.maxText);
    this.minLoose = false;
    this.maxLoose = false;
  }

  /** Past the exact limit, the values seen so far seed a HyperLogLog and the set is freed. */
  private switchToSketch(): void {
    const sketch = new HyperLogLog();
    for (const text of this.exact ?? []) sketch.add(text);
    this.sketch = sketch;
    this.exact = null;
  }

  result(): ColumnProfile {
    const numeric = isNumeric(this.type);
    return {
      name: this.name,
      type: this.type,
      count: this.count,
      nullCount: this.nulls,
      distinct: this.exact ? this.exact.size : (this.sketch?.estimate() ?? 0),
      distinctExact: this.exact !== null,
      min: numeric ? this.minNumber : this.minCut ? `${this.minText}${CUT_MARK}` : this.minText,
      max: numeric ? this.maxNumber : this.maxCut ? `${this.maxText}${CUT_MARK}` : this.maxText,
      examples: [...this.examples],
    };
  }
}

/** Profiles a dataset batch by batch, in constant memory per column. */
export class DatasetProfiler {
  private columns: ColumnAccumulator[] = [];

  add(batch: RowBatch): void {
    if (this.columns.length === 0) {
      const textChars = profileTextChars(batch.columns.length);
      this.columns = batch.columns.map((name) => new ColumnAccumulator(name, textChars));
    }
    for (const row of batch.rows) {
      for (let i = 0; i < this.columns.length; i++) this.columns[i].add(row[i]);
    }
    for (const column of this.columns) column.settle();
  }

  result(): ColumnProfile[] {
    return this.columns.map((column) => column.result());
  }
}
