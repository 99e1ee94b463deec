import { restQueryPages, type FlatRecord, type SalesforceSession } from '../salesforce/index.js';
import { fieldByName, type DescribeSObjectResult } from '../mapping/index.js';
import { inListQueries, kindOf, soqlString, type Kind } from '../soql/index.js';

type Value = string | number | boolean;

/** A value as a SOQL literal of the field's kind (an org refuses `Number__c IN ('1')`), or undefined when it cannot be one. */
function literalOf(kind: Kind, value: Value): string | undefined {
  if (kind === 'number') {
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    return String(value).trim() !== '' && Number.isFinite(n) ? String(n) : undefined;
  }
  if (kind === 'boolean') {
    const text = String(value).trim().toLowerCase();
    return text === 'true' || text === 'false' ? text : undefined;
  }
  return soqlString(String(value));
}

/** The key `findByField` files a record under: a value as sent and as Salesforce answers it compare equal (`'12.50'`, 12.5). */
export function matchKey(describe: DescribeSObjectResult, field: string, value: unknown): string {
  const kind = kindOf(fieldByName(describe, field) ?? { name: field, type: 'string' });
  if (kind === 'number' || kind === 'boolean') return literalOf(kind, value as Value) ?? String(value);
  return String(value);
}

/**
 * Records whose `field` has one of `values`, as matchKey -> {Id, ...fields}: as many values a query as a URL holds.
 * Literals follow the field's type; a value that cannot be one (text in a number field) matches nothing.
 */
export async function findByField(
  session: SalesforceSession, describe: DescribeSObjectResult, field: string, values: Value[], extraFields: string[] = [],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const kind = kindOf(fieldByName(describe, field) ?? { name: field, type: 'string' });
  const literals = [...new Set(values.map((v) => literalOf(kind, v)).filter((l): l is string => l !== undefined))];
  const head = `SELECT ${[...new Set(['Id', field, ...extraFields])].join(', ')} FROM ${describe.name} WHERE ${field} IN (`;
  for (const soql of inListQueries(head, literals)) {
    for await (const page of restQueryPages(session, soql, false)) {
      for (const row of page.records) found.set(matchKey(describe, field, row[field]), row);
    }
  }
  return found;
}

/** The marker value a prepared record carries, when the mapping has one. */
export const markerOf = (record: FlatRecord, field: string | undefined) => (field ? record[field] : undefined);
