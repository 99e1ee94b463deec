import { formatDateTime } from '../data/coerce.js';
import type { RecordsStore } from '../data/records-store.js';
import type { Row, Table, Value } from '../data/table.js';
import type { FieldDescribe } from '../describe/field.js';
import { parseSoql, type Condition, type Literal } from './parser.js';
import { SoqlSyntaxError } from './tokenizer.js';

/** A query error with the REST error code an org gives (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE). */
export class SoqlError extends Error {
  constructor(readonly errorCode: string, message: string) {
    super(message);
  }
}

/** A compiled select path: a field of the object, or a field of a parent through a relationship. */
export interface Column {
  /** The column name with API casing, e.g. `Account.Name`. */
  name: string;
  relationship?: { name: string; table: Table; fi: number };
  field: FieldDescribe;
  get: (row: Row) => Value;
}

export interface QueryOutcome {
  table: Table;
  columns: Column[];
  rows: Row[];
  count: boolean;
  totalSize: number;
}

function compilePath(store: RecordsStore, table: Table, path: string): Column {
  const parts = path.split('.');
  const unknown = () => new SoqlError('INVALID_FIELD', `No such column '${path}' on entity '${table.schema.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`);
  if (parts.length === 1) {
    const fi = table.schema.byLower.get(parts[0].toLowerCase());
    if (fi === undefined) throw unknown();
    return { name: table.schema.fields[fi].name, field: table.schema.fields[fi], get: (row) => table.get(row, fi) };
  }
  if (parts.length !== 2) throw new SoqlError('INVALID_FIELD', `Only one level of parent relationship is supported: '${path}'`);
  const fi = table.schema.relationshipByLower.get(parts[0].toLowerCase());
  const lookup = fi === undefined ? undefined : table.schema.fields[fi];
  const parent = lookup ? store.table(lookup.referenceTo[0]) : undefined;
  const pfi = parent?.schema.byLower.get(parts[1].toLowerCase());
  if (fi === undefined || !lookup || !parent || pfi === undefined) throw unknown();
  const relationshipName = lookup.relationshipName ?? parts[0];
  return {
    name: `${relationshipName}.${parent.schema.fields[pfi].name}`,
    field: parent.schema.fields[pfi],
    relationship: { name: relationshipName, table: parent, fi },
    get: (row) => {
      const id = table.get(row, fi);
      const parentRow = typeof id === 'string' ? parent.rows.get(id) : undefined;
      return parentRow ? parent.get(parentRow, pfi) : null;
    },
  };
}

function normalizeLiteral(field: FieldDescribe, literal: Literal): Value {
  if (literal !== null && typeof literal === 'object') {
    if (field.type === 'datetime') return formatDateTime(Date.parse(literal.date.length === 10 ? `${literal.date}T00:00:00Z` : literal.date));
    return literal.date;
  }
  if (typeof literal === 'string' && (field.type === 'id' || field.type === 'reference') && literal.length === 15) return literal;
  return literal;
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function likeRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) source += pattern[++i];
    else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

function compileCondition(store: RecordsStore, table: Table, c: Condition): (row: Row) => boolean {
  if (c.kind === 'and' || c.kind === 'or') {
    const left = compileCondition(store, table, c.left);
    const right = compileCondition(store, table, c.right);
    return c.kind === 'and' ? (row) => left(row) && right(row) : (row) => left(row) || right(row);
  }
  if (c.kind === 'not') {
    const inner = compileCondition(store, table, c.inner);
    return (row) => !inner(row);
  }
  const column = compilePath(store, table, c.path);
  const match = (v: Value, lit: Value) => (lit === null ? v === null : v !== null && compare(v, lit) === 0);
  if (c.kind === 'in') {
    const values = c.values.map((v) => normalizeLiteral(column.field, v));
    return (row) => values.some((lit) => match(column.get(row), lit)) !== c.negate;
  }
  const lit = normalizeLiteral(column.field, c.value);
  const get = column.get;
  switch (c.op) {
    case '=': return (row) => match(get(row), lit);
    case '!=': return (row) => !match(get(row), lit);
    case 'LIKE': {
      const regex = likeRegex(String(lit));
      return (row) => { const v = get(row); return v !== null && regex.test(String(v)); };
    }
    default: {
      const tests: Record<string, (n: number) => boolean> = { '<': (n: number) => n < 0, '>': (n: number) => n > 0, '<=': (n: number) => n <= 0, '>=': (n: number) => n >= 0 };
      const test = tests[c.op];
      if (!test || lit === null) throw new SoqlError('MALFORMED_QUERY', `invalid operator ${c.op} for ${String(lit)}`);
      return (row) => { const v = get(row); return v !== null && test(compare(v, lit)); };
    }
  }
}

/** Parses and runs a SOQL query over the store; queryAll also sees deleted (recycle-bin) records. */
export function runSoql(store: RecordsStore, soql: string, queryAll = false): QueryOutcome {
  let query;
  try {
    query = parseSoql(soql);
  } catch (error) {
    if (error instanceof SoqlSyntaxError) throw new SoqlError('MALFORMED_QUERY', error.message);
    throw error;
  }
  const table = store.table(query.object);
  if (!table) throw new SoqlError('INVALID_TYPE', `sObject type '${query.object}' is not supported.`);
  const columns = query.fields.map((path) => compilePath(store, table, path));
  const where = query.where ? compileCondition(store, table, query.where) : () => true;
  let rows: Row[] = [];
  for (const row of table.rows.values()) if (where(row)) rows.push(row);
  if (queryAll) for (const row of table.bin.values()) if (where(row)) rows.push(row);
  if (query.orderBy.length > 0) {
    const keys = query.orderBy.map((o) => ({ ...o, get: compilePath(store, table, o.path).get }));
    rows.sort((a, b) => {
      for (const key of keys) {
        const x = key.get(a);
        const y = key.get(b);
        if (x === y) continue;
        if (x === null || y === null) return (x === null) === key.nullsLast ? 1 : -1;
        const n = compare(x, y);
        if (n !== 0) return key.descending ? -n : n;
      }
      return 0;
    });
  }
  rows = rows.slice(query.offset ?? 0, query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit);
  return { table, columns, rows, count: query.count, totalSize: rows.length };
}
