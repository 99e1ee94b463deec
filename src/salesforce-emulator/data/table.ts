import { logger } from '../../logger.js';
import type { ObjectSchema } from '../describe/schema.js';
import { DictColumns } from './dict-columns.js';
import { FieldIndexes } from './field-indexes.js';
import { PagedInts } from './paged-ints.js';
import { ENTRY, RecordFile } from './record-file.js';
import { decodeRow, decodeSlots } from './row-codec.js';
import { RowIds } from './row-ids.js';

export type Value = string | number | boolean | null;
/** A record as read from the table: values by slot (slots are handed out to fields on first write). */
export type Row = Value[];
export type Undo = () => void;

const FREE = 0;
const LIVE = 1;
const BINNED = 2;
/** Control entries of the record file: the row now points at an older version (or none) in a state; a field's slot. */
const POINTER = 1;
const SLOT_NAME = 2;

export { indexKey } from './field-indexes.js';

/**
 * The records of one sObject. Record versions live in an append-only file (RecordFile); memory holds only, per
 * row number, the slot of its current version and its state, plus the id and field indexes in typed arrays, so
 * millions of records fit in a few hundred MB. A Row handed out is a copy: change it, then put() it back.
 * With a `path` the file is the saved state: opening the table replays it and rebuilds the indexes.
 */
export class Table {
  private readonly file: RecordFile;
  private readonly slots = new PagedInts(Uint32Array);
  private readonly states = new PagedInts(Uint8Array);
  private readonly ids = new RowIds();
  private readonly slotOf: Int32Array;
  private readonly slotFields: number[] = [];
  private readonly indexes: FieldIndexes;
  private readonly columns = new DictColumns();
  private rowCount = 0;
  /** True while versions sit in the file in row order (no record rewritten), so a scan can stop early. */
  private inRowOrder = true;
  size = 0;
  deletedCount = 0;

  constructor(readonly schema: ObjectSchema, path?: string) {
    this.file = new RecordFile(path);
    this.slotOf = new Int32Array(schema.fields.length).fill(-1);
    this.indexes = new FieldIndexes({
      schema,
      get: (row, fi) => this.get(row, fi),
      rowAt: (r) => this.read(r),
      eachLive: (visit) => void this.scanRows(false, (r, row) => void visit(r, row)),
    });
    if (this.file.bytes > 0) this.replay();
  }

  /**
   * Rebuilds the current slot and state of every row from the file, compacting it first when it holds more dead
   * entries (old versions, rollbacks, hard deletes) than live ones, then the ids, scan columns and indexes.
   */
  private replay(): void {
    const entries = this.replayEntries();
    let kept = this.slotFields.length;
    for (let r = 0; r < this.rowCount; r++) if (this.states.get(r) !== FREE) kept++;
    if (entries - kept > kept) {
      this.compact();
      this.forgetRows();
      this.replayEntries();
    }
    this.scanRows(true, (r, row) => {
      const live = this.states.get(r) === LIVE;
      if (live) this.size++;
      else this.deletedCount++;
      this.ids.set(String(this.get(row, 0)), r);
      this.columns.write(r, row, this.slotFields.length, this.rowCount);
      this.indexes.update(r, live ? row : null);
    });
  }

  /** Replays the file's entries into the rows' current slots and states and the fields' slots; returns their number. */
  private replayEntries(): number {
    let entries = 0;
    this.file.scan((r, slot, buffer, start, kind) => {
      entries++;
      if (kind === ENTRY.control) return void this.replayControl(r, buffer, start);
      if (r < this.rowCount) this.inRowOrder = false;
      this.rowCount = Math.max(this.rowCount, r + 1);
      this.slots.set(r, slot);
      this.states.set(r, kind === ENTRY.binned ? BINNED : LIVE);
    });
    return entries;
  }

  /**
   * Rewrites the file with the current version of every live and recycle-bin row (in the state it is in now) and
   * the fields' slots; old versions, rollbacks and hard deletes go.
   */
  private compact(): void {
    const saved = this.file.compact((r, slot, buffer, start, kind) => {
      if (kind === ENTRY.control) return buffer[start] === SLOT_NAME ? ENTRY.control : undefined;
      if (this.slots.get(r) !== slot) return undefined;
      const state = this.states.get(r);
      return state === LIVE ? ENTRY.live : state === BINNED ? ENTRY.binned : undefined;
    });
    logger('emulator').info({ object: this.schema.name, savedBytes: saved }, 'record file compacted');
  }

  private replayControl(r: number, buffer: Buffer, start: number): void {
    if (buffer[start] === POINTER) {
      this.slots.set(r, buffer.readUInt32LE(start + 1));
      this.states.set(r, buffer[start + 5]);
      this.inRowOrder = false;
      return;
    }
    const s = buffer.readUInt16LE(start + 1);
    const fi = this.schema.byLower.get(buffer.toString('utf8', start + 5, start + 5 + buffer.readUInt16LE(start + 3)));
    while (this.slotFields.length <= s) this.slotFields.push(-1);
    this.slotFields[s] = fi ?? -1;
    if (fi !== undefined) this.slotOf[fi] = s;
  }

  /** Records in the file that `slot` holds field `fi` (its name, so a changed describe still reads old files). */
  private saveSlot(s: number, fi: number): void {
    const name = Buffer.from(this.schema.fields[fi].name.toLowerCase());
    const payload = Buffer.allocUnsafe(5 + name.length);
    payload[0] = SLOT_NAME;
    payload.writeUInt16LE(s, 1);
    payload.writeUInt16LE(name.length, 3);
    name.copy(payload, 5);
    this.file.appendControl(0, payload);
  }

  /** Records in the file that row `r` now points at `slot` in `state` (a rollback or a delete without a new version). */
  private savePointer(r: number, slot: number, state: number): void {
    const payload = Buffer.allocUnsafe(6);
    payload[0] = POINTER;
    payload.writeUInt32LE(slot, 1);
    payload[5] = state;
    this.file.appendControl(r, payload);
  }

  /** Writes buffered versions to the file (what a save of the data folder does). */
  flush(): void {
    this.file.flush();
  }

  slot(fieldIndex: number): number {
    let s = this.slotOf[fieldIndex];
    if (s < 0) {
      s = this.slotFields.length;
      this.slotOf[fieldIndex] = s;
      this.slotFields.push(fieldIndex);
      this.saveSlot(s, fieldIndex);
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

  /** Applies [fieldIndex, value, ...] pairs to a row (not stored until put). */
  apply(row: Row, changes: Value[]): void {
    for (let i = 0; i < changes.length; i += 2) this.set(row, changes[i] as number, changes[i + 1]);
  }

  /** Field indexes that hold a value in at least one row (for dumps and persistence). */
  usedFields(): number[] {
    return this.slotFields.filter((fi) => fi >= 0);
  }

  private read(r: number): Row {
    return this.file.read(this.slots.get(r));
  }

  has(id: string): boolean {
    const r = this.ids.rowOf(id);
    return r >= 0 && this.states.get(r) === LIVE;
  }

  /** The row number of record `id` (18 characters; live, binned or gone), or -1 for an id the table never held. */
  rowNumber(id: string): number {
    return this.ids.rowOf(id);
  }

  /** A copy of the live record `id` (an 18-character id), or undefined. */
  row(id: string): Row | undefined {
    const r = this.ids.rowOf(id);
    return r >= 0 && this.states.get(r) === LIVE ? this.read(r) : undefined;
  }

  /** Copies of the live records among `ids` (18-character), each once, in insertion order. */
  rowsOf(ids: string[]): Row[] {
    const rows = new Set<number>();
    for (const id of ids) {
      const r = this.ids.rowOf(id);
      if (r >= 0 && this.states.get(r) === LIVE) rows.add(r);
    }
    return [...rows].sort((a, b) => a - b).map((r) => this.read(r));
  }

  /** The live or recycle-bin record `id`. */
  find(id: string): { row: Row; deleted: boolean } | undefined {
    const r = this.ids.rowOf(id);
    const state = r < 0 ? FREE : this.states.get(r);
    return state === FREE ? undefined : { row: this.read(r), deleted: state === BINNED };
  }

  isDeleted(id: string): boolean {
    const r = this.ids.rowOf(id);
    return r >= 0 && this.states.get(r) === BINNED;
  }

  /** Ids whose `fieldIndex` equals `value` (case-insensitively unless the field is case-sensitive), oldest first. */
  lookup(fieldIndex: number, value: Value): string[] {
    const found: number[] = [];
    this.indexes.match(fieldIndex, value, (r) => void found.push(r));
    return found.sort((a, b) => a - b).map((r) => String(this.get(this.read(r), 0)));
  }

  /** An id other than `selfId` holding `value` in `fieldIndex` (unique checks on hot paths). */
  findOther(fieldIndex: number, value: Value, selfId: string | null): string | undefined {
    let other: string | undefined;
    this.indexes.match(fieldIndex, value, (_r, row) => {
      const id = String(this.get(row, 0));
      if (id === selfId) return false;
      other = id;
      return true;
    });
    return other;
  }

  private setState(r: number, state: number): void {
    const before = this.states.get(r);
    if (before === LIVE) this.size--;
    if (before === BINNED) this.deletedCount--;
    if (state === LIVE) this.size++;
    if (state === BINNED) this.deletedCount++;
    this.states.set(r, state);
  }

  /** Stores `row` as the current version of `id` (a new record or a new version), live unless `deleted`. */
  put(id: string, row: Row, journal?: Undo[], deleted = false): void {
    let r = this.ids.rowOf(id);
    const before = r < 0 ? FREE : this.states.get(r);
    const beforeSlot = r < 0 ? 0 : this.slots.get(r);
    if (r < 0 || before === FREE) {
      if (r < 0) r = this.rowCount++;
      this.ids.set(id, r);
    } else this.inRowOrder = false;
    if (r !== this.rowCount - 1) this.inRowOrder = false;
    this.slots.set(r, this.file.append(r, row, deleted));
    this.setState(r, deleted ? BINNED : LIVE);
    this.columns.write(r, row, this.slotFields.length, this.rowCount);
    this.indexes.update(r, deleted ? null : row);
    journal?.push(() => this.restore(r, beforeSlot, before));
  }

  private restore(r: number, slot: number, state: number): void {
    this.slots.set(r, slot);
    this.setState(r, state);
    this.savePointer(r, slot, state);
    this.inRowOrder = false;
    const row = state === FREE ? null : this.read(r);
    if (row) this.columns.write(r, row, this.slotFields.length, this.rowCount);
    this.indexes.update(r, state === LIVE ? row : null);
  }

  /** Soft delete moves the record to the bin (storing `binned`, the row with IsDeleted set); hard delete drops it. */
  remove(id: string, hard: boolean, journal?: Undo[], binned?: Row): void {
    const r = this.ids.rowOf(id);
    const state = r < 0 ? FREE : this.states.get(r);
    if (state === FREE) return;
    const slot = this.slots.get(r);
    if (binned && !hard) this.put(id, binned, undefined, true);
    else {
      this.setState(r, hard ? FREE : BINNED);
      this.savePointer(r, slot, hard ? FREE : BINNED);
      this.indexes.update(r, null);
    }
    journal?.push(() => this.restore(r, slot, state));
  }

  /**
   * Visits current versions (live, and binned when `withDeleted`) in file order from slot `from` that pass `keep`;
   * `visit` returns true to stop. Returns where to go on, or -1 at the end. With `slots` (the slots `keep` reads),
   * `keep` sees a row holding only those and only passing rows are decoded whole (not at all unless `whole`).
   */
  private scanRows(
    withDeleted: boolean, visit: (r: number, row: Row) => boolean | void, from = 0,
    keep?: (row: Row) => boolean, slots?: number[], whole = true,
  ): number {
    const probe = slots && new Array<Value>(this.slotFields.length).fill(null);
    return this.file.scan((r, slot, buffer, start, kind) => {
      if (kind === ENTRY.control || this.slots.get(r) !== slot) return false;
      const state = this.states.get(r);
      if (state !== LIVE && !(withDeleted && state === BINNED)) return false;
      if (probe && slots) {
        decodeSlots(buffer, start, slots, probe);
        if (keep && !keep(probe)) return false;
        return visit(r, whole ? decodeRow(buffer, start) : probe);
      }
      const row = decodeRow(buffer, start);
      return keep && !keep(row) ? false : visit(r, row);
    }, from);
  }

  /** The slots of `fields` that rows hold, ascending; undefined when the fields are not known. */
  private slotsOf(fields: number[] | undefined): number[] | undefined {
    if (!fields) return undefined;
    return [...new Set(fields.map((fi) => this.slotOf[fi]).filter((s) => s >= 0))].sort((a, b) => a - b);
  }

  /**
   * Visits the rows passing `keep` in row order through the in-memory columns, when they hold every field in
   * `fields`; false when they do not (the caller scans the file instead).
   */
  private columnScan(keep: (row: Row) => boolean, withDeleted: boolean, fields: number[] | undefined, visit: (r: number) => boolean | void): boolean {
    const slots = this.slotsOf(fields);
    if (!slots || !this.columns.covers(slots)) return false;
    const probe: Row = new Array<Value>(this.slotFields.length).fill(null);
    for (let r = 0; r < this.rowCount; r++) {
      const state = this.states.get(r);
      if (state !== LIVE && !(withDeleted && state === BINNED)) continue;
      this.columns.fill(r, probe, slots);
      if (keep(probe) && visit(r) === true) break;
    }
    return true;
  }

  /**
   * Visits the rows passing `keep` (row number, and the decoded row when it came from a file scan with `whole`);
   * `visit` returns true to stop, which is honoured only while the walk goes in row order. Returns whether it went
   * in row order (through the in-memory columns, or over a file whose versions are in row order).
   */
  private eachMatch(
    keep: (row: Row) => boolean, withDeleted: boolean, fields: number[] | undefined, whole: boolean,
    visit: (r: number, row: Row | undefined) => boolean,
  ): boolean {
    if (this.columnScan(keep, withDeleted, fields, (r) => visit(r, undefined))) return true;
    const inRowOrder = this.inRowOrder;
    this.scanRows(withDeleted, (r, row) => visit(r, whole ? row : undefined) && inRowOrder, 0, keep, this.slotsOf(fields), whole);
    return inRowOrder;
  }

  /**
   * The rows passing `keep`, live ones first, each group in insertion order. `fields`: the fields `keep` reads, if known.
   */
  select(keep: (row: Row) => boolean, withDeleted = false, fields?: number[]): Row[] {
    const live: [number, Row][] = [];
    const binned: [number, Row][] = [];
    const inRowOrder = this.eachMatch(keep, withDeleted, fields, true, (r, row) => {
      (this.states.get(r) === LIVE ? live : binned).push([r, row ?? this.read(r)]);
      return false;
    });
    const ordered = (pairs: [number, Row][]) => (inRowOrder ? pairs : pairs.sort((a, b) => a[0] - b[0])).map((p) => p[1]);
    return [...ordered(live), ...ordered(binned)];
  }

  /**
   * What select() finds, as the slots of the rows' current versions instead of the rows, decoding no more than
   * `keep` reads: a query result keeps these (4 bytes a row) and reads a page's rows when it sends the page. A
   * version is never rewritten while the file is open, so later writes do not change a result. A filter that reads
   * no field keeps every row: its array is made at its size at once; other matches gather in 64K pages first, so a
   * selective scan of millions of rows (an Id range) allocates for what it finds, not for the table.
   */
  selectVersions(keep: (row: Row) => boolean, withDeleted = false, atMost = Infinity, fields?: number[]): Uint32Array {
    if (fields?.length === 0) return this.everyVersion(withDeleted, atMost);
    const live = new PagedInts(Uint32Array);
    const binned = new PagedInts(Uint32Array);
    let [lives, binneds] = [0, 0];
    const inRowOrder = this.eachMatch(keep, withDeleted, fields, false, (r) => {
      if (this.states.get(r) === LIVE) live.set(lives++, r);
      else binned.set(binneds++, r);
      return !withDeleted && lives >= atMost;
    });
    const versions = new Uint32Array(lives + binneds);
    live.copyTo(versions, 0, lives);
    binned.copyTo(versions, lives, binneds);
    if (!inRowOrder) {
      versions.subarray(0, lives).sort();
      versions.subarray(lives).sort();
    }
    for (let i = 0; i < versions.length; i++) versions[i] = this.slots.get(versions[i]);
    return versions;
  }

  /** The current versions of every live row (at most `atMost`), then of every binned one when `withDeleted`, in row order. */
  private everyVersion(withDeleted: boolean, atMost: number): Uint32Array {
    // With binned rows a result is cut by its caller (as selectVersions() leaves it): every live row is taken.
    const live = withDeleted ? this.size : Math.min(atMost, this.size);
    const versions = new Uint32Array(withDeleted ? this.size + this.deletedCount : live);
    let at = 0;
    let binned = withDeleted ? this.size : versions.length;
    for (let r = 0; r < this.rowCount && (at < live || binned < versions.length); r++) {
      const state = this.states.get(r);
      if (state === LIVE && at < live) versions[at++] = this.slots.get(r);
      else if (state === BINNED && binned < versions.length) versions[binned++] = this.slots.get(r);
    }
    return versions;
  }

  /** The record version at `slot` (one of selectVersions()). */
  readVersion(slot: number): Row {
    return this.file.read(slot);
  }

  count(keep: (row: Row) => boolean, withDeleted = false, fields?: number[]): number {
    let n = 0;
    if (this.columnScan(keep, withDeleted, fields, () => void n++)) return n;
    this.scanRows(withDeleted, () => void n++, 0, keep, this.slotsOf(fields), false);
    return n;
  }

  /** Up to `limit` rows after skipping `offset`, in insertion order (live or binned), reading only those. */
  page(offset: number, limit: number, deleted: boolean): Row[] {
    const want = deleted ? BINNED : LIVE;
    const out: Row[] = [];
    let skipped = 0;
    for (let r = 0; r < this.rowCount && out.length < limit; r++) {
      if (this.states.get(r) !== want) continue;
      if (skipped++ >= offset) out.push(this.read(r));
    }
    return out;
  }

  /** Empties the table (the file too: a reset org). */
  clear(): void {
    this.file.clear();
    this.slotFields.forEach((fi, s) => fi >= 0 && this.saveSlot(s, fi));
    this.forgetRows();
  }

  /** Closes the record file (an anonymous one gives back its space; a named one stays) and forgets the records. */
  close(): void {
    this.file.close();
    this.forgetRows();
  }

  private forgetRows(): void {
    this.slots.clear();
    this.states.clear();
    this.ids.clear();
    this.indexes.clear();
    this.columns.clear();
    this.rowCount = 0;
    this.size = 0;
    this.deletedCount = 0;
    this.inRowOrder = true;
  }

  /** The highest id sequence number among this table's ids made with `salt`. */
  maxSequence(salt: string): number {
    return this.ids.maxSequence(salt);
  }
}
