import type { FieldDescribe } from '../describe/field.js';
import type { ObjectSchema } from '../describe/schema.js';

export type Value = string | number | boolean | null;
/** A record: values by slot (slots are handed out to fields on first write, so rows stay short). */
export type Row = Value[];
export type Undo = () => void;

/** Maps a normalised field value to the id (or ids, when the field is not unique) holding it. */
type ValueIndex = Map<string, string | string[]>;

export function indexKey(field: FieldDescribe, value: Value): string | null {
  if (value === null || value === '') return null;
  const text = String(value);
  return field.caseSensitive ? text : text.toLowerCase();
}

/** The records of one sObject, compactly stored, with unique and lookup indexes. */
export class Table {
  readonly rows = new Map<string, Row>();
  /** The recycle bin: soft-deleted records (ENTITY_IS_DELETED), removed for good by hardDelete. */
  readonly bin = new Map<string, Row>();
  private readonly slotOf: Int32Array;
  private readonly slotFields: number[] = [];
  private readonly indexes = new Map<number, ValueIndex>();

  constructor(readonly schema: ObjectSchema) {
    this.slotOf = new Int32Array(schema.fields.length).fill(-1);
    for (const fi of schema.uniqueFields) this.indexes.set(fi, new Map());
  }

  slot(fieldIndex: number): number {
    let s = this.slotOf[fieldIndex];
    if (s < 0) {
      s = this.slotFields.length;
      this.slotOf[fieldIndex] = s;
      this.slotFields.push(fieldIndex);
    }
    return s;
  }

  get(row: Row, fieldIndex: number): Value {
    const s = this.slotOf[fieldIndex];
    return s < 0 ? null : (row[s] ?? null);
  }

  set(row: Row, fieldIndex: number, value: Value): void {
    const s = this.slot(fieldIndex);
    while (row.length < s) row.push(null);
    row[s] = value;
  }

  /** Field indexes that hold a value in at least one row (for dumps and persistence). */
  usedFields(): number[] {
    return [...this.slotFields];
  }

  /** Ids whose `fieldIndex` equals `value` (case-insensitively unless the field is case-sensitive). */
  lookup(fieldIndex: number, value: Value): string[] {
    const key = indexKey(this.schema.fields[fieldIndex], value);
    if (key === null) return [];
    const hit = this.index(fieldIndex).get(key);
    return hit === undefined ? [] : typeof hit === 'string' ? [hit] : hit;
  }

  /** An id other than `selfId` holding `value` in `fieldIndex`, without allocating (unique checks on hot paths). */
  findOther(fieldIndex: number, value: Value, selfId: string | null): string | undefined {
    const key = indexKey(this.schema.fields[fieldIndex], value);
    if (key === null) return undefined;
    const hit = this.index(fieldIndex).get(key);
    if (hit === undefined || hit === selfId) return undefined;
    return typeof hit === 'string' ? hit : hit.find((id) => id !== selfId);
  }

  /** Lookup indexes beyond the unique ones (e.g. Email, Name) are built on first use, then maintained. */
  private index(fieldIndex: number): ValueIndex {
    let index = this.indexes.get(fieldIndex);
    if (!index) {
      index = new Map();
      this.indexes.set(fieldIndex, index);
      for (const [id, row] of this.rows) this.addKey(index, fieldIndex, this.get(row, fieldIndex), id);
    }
    return index;
  }

  private addKey(index: ValueIndex, fieldIndex: number, value: Value, id: string): void {
    const key = indexKey(this.schema.fields[fieldIndex], value);
    if (key === null) return;
    const hit = index.get(key);
    if (hit === undefined) index.set(key, id);
    else if (typeof hit === 'string') index.set(key, [hit, id]);
    else hit.push(id);
  }

  private removeKey(index: ValueIndex, fieldIndex: number, value: Value, id: string): void {
    const key = indexKey(this.schema.fields[fieldIndex], value);
    if (key === null) return;
    const hit = index.get(key);
    if (hit === id) index.delete(key);
    else if (Array.isArray(hit)) {
      const rest = hit.filter((x) => x !== id);
      if (rest.length === 1) index.set(key, rest[0]);
      else index.set(key, rest);
    }
  }

  private indexRow(id: string, row: Row, add: boolean): void {
    for (const [fi, index] of this.indexes) {
      if (add) this.addKey(index, fi, this.get(row, fi), id);
      else this.removeKey(index, fi, this.get(row, fi), id);
    }
  }

  insert(id: string, row: Row, journal?: Undo[]): void {
    this.rows.set(id, row);
    this.indexRow(id, row, true);
    journal?.push(() => this.remove(id, true));
  }

  /** Applies [fieldIndex, value, ...] pairs to an existing row. */
  update(id: string, row: Row, changes: Value[], journal?: Undo[]): void {
    if (journal) {
      const before = row.slice();
      journal.push(() => {
        this.indexRow(id, row, false);
        row.length = 0;
        row.push(...before);
        this.indexRow(id, row, true);
      });
    }
    for (let i = 0; i < changes.length; i += 2) {
      const fi = changes[i] as number;
      const index = this.indexes.get(fi);
      if (index) {
        this.removeKey(index, fi, this.get(row, fi), id);
        this.addKey(index, fi, changes[i + 1], id);
      }
      this.set(row, fi, changes[i + 1]);
    }
  }

  /** Soft delete moves the row to the bin; hard delete drops it. */
  remove(id: string, hard: boolean, journal?: Undo[]): void {
    const row = this.rows.get(id) ?? this.bin.get(id);
    if (!row) return;
    const wasLive = this.rows.delete(id);
    if (wasLive) this.indexRow(id, row, false);
    this.bin.delete(id);
    if (!hard) this.bin.set(id, row);
    journal?.push(() => {
      this.bin.delete(id);
      if (wasLive) this.insert(id, row);
      else this.bin.set(id, row);
    });
  }

  clear(): void {
    this.rows.clear();
    this.bin.clear();
    for (const index of this.indexes.values()) index.clear();
  }
}
