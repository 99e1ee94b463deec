import { join } from 'node:path';
import { keyPrefixOf, makeId, randomIdSalt, toId18 } from '../../salesforce/record-id.js';
import type { ObjectSchema, Schema } from '../describe/schema.js';
import { Table, type Row } from './table.js';

export interface FoundRecord {
  table: Table;
  /** A copy of the record: change it, then put it back with table.put. */
  row: Row;
  deleted: boolean;
}

/** The record file of `object` in a data folder. */
export const recordFileName = (object: string) => `${object}.records`;

/**
 * All records of the org, one Table per object, plus the id sequence. With a data folder each table's record file
 * is `<Object>.records` there, replayed when the store is made.
 */
export class RecordsStore {
  private readonly tables = new Map<string, Table>();
  sequence = 0;
  salt: string;
  /** The default record type's developer name (lower case) by object (lower case), from the options. */
  readonly defaultRecordTypes = new Map<string, string>();
  /** Set by every write; cleared by persistence after a save. */
  dirty = false;

  constructor(readonly schema: Schema, dir?: string) {
    this.salt = randomIdSalt();
    for (const object of schema.list()) {
      const table = new Table(object, dir && join(dir, recordFileName(object.name)));
      this.tables.set(object.name.toLowerCase(), table);
    }
  }

  table(name: string): Table | undefined {
    return this.tables.get(name.toLowerCase());
  }

  tableOf(object: ObjectSchema): Table {
    const table = this.tables.get(object.name.toLowerCase());
    if (!table) throw new Error(`No table for ${object.name}`);
    return table;
  }

  allTables(): Table[] {
    return [...this.tables.values()];
  }

  /** Live records over all objects. */
  count(): number {
    let n = 0;
    for (const table of this.tables.values()) n += table.size;
    return n;
  }

  newId(object: ObjectSchema): string {
    this.sequence += 1;
    return makeId(object.keyPrefix, this.sequence, this.salt);
  }

  /** Finds a live or deleted record by a 15- or 18-character id of any object. */
  find(id: string): FoundRecord | undefined {
    const id18 = toId18(id);
    if (!id18) return undefined;
    const object = this.schema.byPrefix.get(keyPrefixOf(id18));
    const table = object && this.tableOf(object);
    const found = table?.find(id18);
    return table && found ? { table, ...found } : undefined;
  }

  reset(): void {
    for (const table of this.tables.values()) table.clear();
    this.dirty = true;
  }

  /** Writes every table's buffered versions to its record file. */
  flush(): void {
    for (const table of this.tables.values()) table.flush();
  }

  /** The highest id sequence in the tables (ids made with this store's salt): after a restart, ids go on from it. */
  highestSequence(): number {
    return Math.max(0, ...[...this.tables.values()].map((table) => table.maxSequence(this.salt)));
  }

  /** Closes every table's record file (an anonymous one gives back its disk space) and forgets the records. */
  close(): void {
    for (const table of this.tables.values()) table.close();
  }
}
