import type { Row, Table } from '../data/table.js';

/** `{attributes:{type,url}, Field: value, ...}` for the given field indexes (all fields when omitted). */
export function recordJson(table: Table, id: string, row: Row, version: string, fieldIndexes?: number[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: table.schema.name, url: `/services/data/${version}/sobjects/${table.schema.name}/${id}` } };
  const indexes = fieldIndexes ?? table.schema.fields.map((_f, i) => i);
  for (const fi of indexes) out[table.schema.fields[fi].name] = table.get(row, fi);
  return out;
}
