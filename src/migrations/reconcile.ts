import { sfJson, type FlatRecord, type SalesforceSession } from '../salesforce/index.js';

const soqlString = (value: string | number | boolean) => `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface QueryResult { records: Record<string, unknown>[]; done: boolean; nextRecordsUrl?: string }

/** SOQL through REST, every page. */
export async function queryAll(session: SalesforceSession, soql: string): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  let page = await sfJson<QueryResult>(session, { method: 'GET', path: `/query?q=${encodeURIComponent(soql)}` });
  records.push(...page.records);
  while (!page.done && page.nextRecordsUrl) {
    const next = page.nextRecordsUrl.replace(/^\/services\/data\/v[\d.]+/, '');
    page = await sfJson<QueryResult>(session, { method: 'GET', path: next });
    records.push(...page.records);
  }
  return records;
}

/** Records whose `field` has one of `values`, as value -> {Id, ...fields}; 100 values a query keeps the URL short. */
export async function findByField(
  session: SalesforceSession, object: string, field: string, values: (string | number | boolean)[], extraFields: string[] = [],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const select = [...new Set(['Id', field, ...extraFields])].join(', ');
  for (let i = 0; i < values.length; i += 100) {
    const slice = values.slice(i, i + 100);
    const rows = await queryAll(session, `SELECT ${select} FROM ${object} WHERE ${field} IN (${slice.map(soqlString).join(',')})`);
    for (const row of rows) found.set(String(row[field]), row);
  }
  return found;
}

/** The marker value a prepared record carries, when the mapping has one. */
export const markerOf = (record: FlatRecord, field: string | undefined) => (field ? record[field] : undefined);
