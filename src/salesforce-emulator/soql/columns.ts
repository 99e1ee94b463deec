import type { FieldDescribe } from '../describe/field.js';
import type { QueryOutcome, SelectColumn } from './outcome.js';
import type { FieldPath } from './paths.js';
import { kindOf } from './values.js';

type ColumnMetadata = Record<string, unknown> & { columnName: string; joinColumns: ColumnMetadata[] };

const APEX_TYPES: Record<string, string> = {
  id: 'Id', reference: 'Id', boolean: 'Boolean', int: 'Integer', double: 'Double', currency: 'Decimal', percent: 'Double',
  date: 'Date', datetime: 'Datetime', time: 'Time',
};

function entry(name: string, field: FieldDescribe | null, extra: Partial<ColumnMetadata> = {}): ColumnMetadata {
  const kind = field ? kindOf(field) : null;
  return {
    aggregate: false,
    apexType: field ? (APEX_TYPES[field.type] ?? 'String') : null,
    booleanType: kind === 'boolean',
    columnName: name,
    custom: field?.custom ?? false,
    displayName: name,
    foreignKeyName: null,
    insertable: field?.createable ?? false,
    joinColumns: [],
    numberType: kind === 'number',
    textType: kind === 'string',
    updatable: field?.updateable ?? false,
    ...extra,
  };
}

/** Adds a field path, sharing one entry per relationship (`Account` with joinColumns Name, Industry). */
function addPath(list: ColumnMetadata[], path: FieldPath, depth = 0): void {
  if (depth === path.hops.length) {
    list.push(entry(path.field.name, path.field));
    return;
  }
  const hop = path.hops[depth];
  let join = list.find((c) => c.columnName === hop.relationshipName && c.foreignKeyName !== null);
  if (!join) {
    join = entry(hop.relationshipName, null, { foreignKeyName: hop.from.schema.fields[hop.fi].name });
    list.push(join);
  }
  addPath(join.joinColumns, path, depth + 1);
}

function columnOf(list: ColumnMetadata[], column: SelectColumn): void {
  if (column.kind === 'field') return addPath(list, column.path);
  if (column.kind === 'group') return void list.push(entry(column.key, column.path.field));
  if (column.kind === 'aggregate') {
    const display = `${column.call.written.toLowerCase()}(${column.path?.name ?? ''})`;
    const counted = column.call.fn !== 'MIN' && column.call.fn !== 'MAX';
    const numeric = counted || (column.path !== null && kindOf(column.path.field) === 'number');
    return void list.push({ ...entry(column.key, null), aggregate: true, displayName: display, numberType: numeric });
  }
  const joins: ColumnMetadata[] = [];
  for (const path of column.child.columns) addPath(joins, path);
  list.push({ ...entry(column.child.name, null), aggregate: true, joinColumns: joins });
}

/** What `GET /query?q=...&columns=true` answers: the query's columns without running it (the sf CLI reads it). */
export function columnsMetadata(outcome: QueryOutcome): Record<string, unknown> {
  const columnMetadata: ColumnMetadata[] = [];
  for (const column of outcome.columns) columnOf(columnMetadata, column);
  const schema = outcome.table.schema;
  return {
    columnMetadata,
    entityName: schema.name,
    groupBy: outcome.query.groupBy.length > 0,
    idSelected: outcome.columns.some((c) => c.kind === 'field' && c.path.hops.length === 0 && c.path.field.type === 'id'),
    keyPrefix: schema.keyPrefix,
  };
}
