import type { SalesforceSession } from './connection-factory.js';
import { sfJson } from './http.js';
import type { RetryPolicy } from './retry.js';
import type { FlatRecord, RecordError, WriteResult, WriteSpec } from './write-spec.js';

/** The migration engine re-sends a Collections call itself, counting attempts and resolving lost answers (write-collections). */
const SENT_ONCE: RetryPolicy = { resend: 'rejected', tries: 1 };

/** sObject Collections take at most 200 records a call. */
export const COLLECTIONS_MAX = 200;

interface RawResult { id?: string; success: boolean; created?: boolean; errors?: { statusCode?: string; errorCode?: string; message: string; fields?: string[] }[] }

/** Salesforce's CSV null: Bulk reads it as null, so JSON gets null (not set on insert, cleared on update). */
const CSV_NULL = '#N/A';

/** `Account.External_Id__c: X` becomes `Account: {External_Id__c: X}` in JSON; `#N/A` becomes null, as in a Bulk CSV. */
export function toJsonRecord(object: string, record: FlatRecord, idKey: 'id' | 'Id' | null): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: object } };
  for (const [field, cell] of Object.entries(record)) {
    const value = cell === CSV_NULL ? null : cell;
    if (field === 'Id') {
      if (idKey) out[idKey] = value;
      continue;
    }
    const dot = field.indexOf('.');
    if (dot > 0) {
      const relationship = field.slice(0, dot);
      const parent = (out[relationship] ??= {}) as Record<string, unknown>;
      parent[field.slice(dot + 1)] = value;
    } else {
      out[field] = value;
    }
  }
  return out;
}

function normalise(raw: RawResult): WriteResult {
  const errors: RecordError[] = (raw.errors ?? []).map((e) => ({ statusCode: e.statusCode ?? e.errorCode ?? 'UNKNOWN_EXCEPTION', message: e.message, fields: e.fields ?? [] }));
  return { success: raw.success, id: raw.id ?? undefined, created: raw.created, errors };
}

/**
 * One Collections call (<= 200 records). Throws a SalesforceError when the call as a whole fails;
 * per-record failures come back as results. hardDelete has no REST form: it always goes through Bulk.
 */
export async function writeCollection(session: SalesforceSession, spec: WriteSpec, records: FlatRecord[]): Promise<WriteResult[]> {
  if (records.length === 0) return [];
  if (records.length > COLLECTIONS_MAX) throw new Error(`writeCollection takes at most ${COLLECTIONS_MAX} records, got ${records.length}`);
  const headers: Record<string, string> = spec.assignmentRuleId ? { 'sforce-auto-assign': spec.assignmentRuleId } : {};
  let raw: RawResult[];
  switch (spec.operation) {
    case 'insert':
      raw = await sfJson(session, { method: 'POST', path: '/composite/sobjects', headers, json: { allOrNone: spec.allOrNone, records: records.map((r) => toJsonRecord(spec.object, r, null)) } }, SENT_ONCE);
      break;
    case 'update':
      raw = await sfJson(session, { method: 'PATCH', path: '/composite/sobjects', headers, json: { allOrNone: spec.allOrNone, records: records.map((r) => toJsonRecord(spec.object, r, 'id')) } }, SENT_ONCE);
      break;
    case 'upsert': {
      if (!spec.externalIdField) throw new Error('upsert needs an external id field');
      const path = `/composite/sobjects/${encodeURIComponent(spec.object)}/${encodeURIComponent(spec.externalIdField)}`;
      raw = await sfJson(session, { method: 'PATCH', path, headers, json: { allOrNone: spec.allOrNone, records: records.map((r) => toJsonRecord(spec.object, r, null)) } }, SENT_ONCE);
      break;
    }
    case 'delete': {
      const ids = records.map((r) => String(r.Id)).join(',');
      raw = await sfJson(session, { method: 'DELETE', path: `/composite/sobjects?ids=${ids}${spec.allOrNone ? '&allOrNone=true' : ''}` }, SENT_ONCE);
      break;
    }
    case 'hardDelete':
      throw new Error('hardDelete is only available through Bulk API 2.0');
  }
  if (!Array.isArray(raw) || raw.length !== records.length) {
    throw new Error(`Collections answered ${Array.isArray(raw) ? raw.length : 'no'} results for ${records.length} records`);
  }
  return raw.map(normalise);
}
