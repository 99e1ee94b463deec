import { soqlString } from '../soql/index.js';
import { ROW_ISSUE_CODES, type PipelineStep } from '../frame/index.js';
import type { Mapping } from '../mapping/index.js';
import { restQueryPages, type SalesforceSession } from '../salesforce/index.js';

/** The export column that carries each record's record type by name, turned into the target's RecordTypeId. */
export const RECORD_TYPE_COLUMN = 'RecordType.DeveloperName';
export const RECORD_TYPE_FIELD = 'RecordTypeId';

const isRecordTypeId = (name: string) => name.toLowerCase() === RECORD_TYPE_FIELD.toLowerCase();

/** A plan's fields with `RecordTypeId` read by name instead (its source Ids mean nothing in the target). */
export const byRecordTypeName = (fields: string[]): string[] =>
  fields.map((f) => (isRecordTypeId(f) ? RECORD_TYPE_COLUMN : f));

/** A user's mapping that reads `RecordTypeId` reads the record type's name instead, into the same field. */
export function mappingByRecordTypeName(mapping: Mapping): Mapping {
  const fields = mapping.fields.map((e) => (isRecordTypeId(e.column) ? { ...e, column: RECORD_TYPE_COLUMN } : e));
  return { ...mapping, fields };
}

/** The target's active record types: Id by developer name, per object (lower case). One query for the whole plan. */
export async function targetRecordTypes(
  session: SalesforceSession, objects: string[],
): Promise<Map<string, Record<string, string>>> {
  const found = new Map<string, Record<string, string>>(objects.map((o) => [o.toLowerCase(), {}]));
  if (objects.length === 0) return found;
  const soql = 'SELECT Id, DeveloperName, SobjectType FROM RecordType WHERE IsActive = true'
    + ` AND SobjectType IN (${objects.map(soqlString).join(', ')})`;
  for await (const page of restQueryPages(session, soql, false)) {
    for (const type of page.records) {
      const ids = found.get(String(type.SobjectType).toLowerCase());
      if (ids) ids[String(type.DeveloperName)] = String(type.Id);
    }
  }
  return found;
}

/**
 * The pipeline step that turns a record type's developer name into the target's Id of the same object and name. A name
 * the target lacks fails the row (RECORD_TYPE_MISSING) naming object and name; an empty one (the source's Master)
 * leaves RecordTypeId out, so the target gives its default record type.
 */
export function recordTypeStep(object: string, ids: Record<string, string>): PipelineStep {
  const message = `The target org has no active ${object} record type with DeveloperName '{value}': create it there, `
    + `or rename it in the plan's pipeline (a value map on ${RECORD_TYPE_COLUMN}).`;
  return {
    op: 'valueMap', columns: [RECORD_TYPE_COLUMN], map: ids, caseInsensitive: true, otherwise: 'null',
    unmapped: {
      code: ROW_ISSUE_CODES.recordTypeMissing, message, key: 'row.valueMap.recordTypeMissing', params: { object, column: RECORD_TYPE_COLUMN },
    },
  };
}
