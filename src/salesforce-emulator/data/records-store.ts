import { keyPrefixOf, makeId, randomIdSalt, toId18 } from '../../salesforce/record-id.js';
import type { ObjectSchema, Schema } from '../describe/schema.js';
import { Table, type Row } from './table.js';

export interface FoundRecord {
  table: Table;
  /** A copy of the record: change it, then put it back with table.put. */
  row: Row;
  deleted: boolean;
}

/** All records of the org, one Table per object, plus the id sequence. */
export class RecordsStore {
  private readonly tables = new Map<string, Table>();
  sequence = 0;
  salt: string;
  /** The default record type's developer name (lower case) by object (lower case), from the options. */
  readonly defaultRecordTypes = new Map<string, string>();
  /** Set by every write; cleared by persistence after a save. */
  dirty = false;

  constructor(readonly schema: Schema, salt = randomIdSalt()) {
    this.salt = salt;
    for (const object of schema.list()) this.tables.set(object.name.toLowerCase(), new Table(object));
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

  /** Empties every table and gives back its record file's disk space. */
  close(): void {
    for (const table of this.tables.values()) table.close();
  }
}
