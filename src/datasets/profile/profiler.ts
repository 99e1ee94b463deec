import type { CellValue, RowBatch } from '../readers/types.js';
import { HyperLogLog } from './hyperloglog.js';
import { inferTextType, inferValueType, widenType, type ColumnType } from './infer.js';
import type { ColumnProfile } from './schema.js';

const EXACT_DISTINCT_LIMIT = 10_000;
const EXAMPLES = 5;
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

/** V8 copies a slice shorter than this; a longer one is a view that keeps the whole string it was cut from alive. */
const SLICE_MIN_LENGTH = 13;

/**
 * A copy of `text` that holds only its own characters. The readers' values are slices of the 64 KB text they were
 * parsed from: kept as they are (a distinct value, an example, a min or max), each would keep its whole piece of
 * the file alive, and a column whose distinct values arrive through the whole file (sorted data) kept ~all of it.
 * Only values that are kept are copied: at most the exact-count limit per column, and the rare new min or max.
 */
const detached = (text: string): string => (text.length < SLICE_MIN_LENGTH ? text : (' ' + text).slice(1));

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

class ColumnAccumulator {
  private type: ColumnType = 'empty';
  private count = 0;
  private nulls = 0;
  private exact: Set<string> | null = new Set();
  private sketch: HyperLogLog | null = null;
  private minNumber = Infinity;
  private maxNumber = -Infinity;
  private minText: string | null = null;
  private maxText: string | null = null;
  /** First character codes of minText and maxText: most values differ from both there, and need no string comparison. */
  private minFirst = 0;
  private maxFirst = 0;
  private readonly examples: string[] = [];
  /** Whether every value so far was text: then a value already counted exactly cannot change anything but the count. */
  private onlyText = true;

  constructor(private readonly name: string) {}

  add(value: CellValue | undefined): void {
    this.count += 1;
    if (value === null || value === undefined) {
      this.nulls += 1;
      return;
    }
    let valueType: ColumnType;
    let text: string;
    if (typeof value === 'string') {
      // A repeated text (same type, min, max and examples as the first time) costs one lookup.
      if (this.onlyText && this.exact !== null && this.exact.has(value)) return;
      // Once a column is string, no value can narrow it again: skip inference.
      valueType = this.type === 'string' ? (isBlank(value) ? 'empty' : 'string') : inferTextType(value);
      text = value;
    } else {
      this.onlyText = false;
      valueType = inferValueType(value);
      text = asText(value);
    }
    if (valueType === 'empty') {
      this.nulls += 1;
      return;
    }
    if (valueType !== this.type) this.type = widenType(this.type, valueType);
    const first = text.charCodeAt(0);
    const newMin = this.minText === null || (first <= this.minFirst && text < this.minText);
    const newMax = this.maxText === null || (first >= this.maxFirst && text > this.maxText);
    const example = this.examples.length < EXAMPLES && !this.examples.includes(text);
    // A text that is kept anywhere is copied out of the parsed text once.
    if (this.exact || newMin || newMax || example) text = detached(text);
    if (this.exact) {
      this.exact.add(text);
      if (this.exact.size > EXACT_DISTINCT_LIMIT) this.switchToSketch();
    } else {
      this.sketch?.add(text);
    }
    if (example) this.examples.push(text);
    if (isNumeric(valueType)) {
      const number = typeof value === 'number' ? value : toNumber(text);
      if (number < this.minNumber) this.minNumber = number;
      if (number > this.maxNumber) this.maxNumber = number;
    }
    if (newMin) {
      this.minText = text;
      this.minFirst = first;
    }
    if (newMax) {
      this.maxText = text;
      this.maxFirst = first;
    }
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
      min: numeric ? this.minNumber : this.minText,
      max: numeric ? this.maxNumber : this.maxText,
      examples: [...this.examples],
    };
  }
}

/** Profiles a dataset batch by batch, in constant memory per column. */
export class DatasetProfiler {
  private columns: ColumnAccumulator[] = [];

  add(batch: RowBatch): void {
    if (this.columns.length === 0) this.columns = batch.columns.map((name) => new ColumnAccumulator(name));
    for (const row of batch.rows) {
      for (let i = 0; i < this.columns.length; i++) this.columns[i].add(row[i]);
    }
  }

  result(): ColumnProfile[] {
    return this.columns.map((column) => column.result());
  }
}
