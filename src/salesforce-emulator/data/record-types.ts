import { keyPrefixOf } from '../../salesforce/record-id.js';
import type { RecordTypeEntry } from '../describe/describe-json.js';
import { MASTER_RECORD_TYPE_ID } from '../describe/record-type-object.js';
import type { ObjectSchema } from '../describe/schema.js';
import type { RecordsStore } from './records-store.js';
import { SfError } from './sf-error.js';

/** One record type of an object, as describe and writes see it. */
export interface RecordTypeView {
  id: string;
  developerName: string;
  name: string;
  active: boolean;
}

/** Whether `field` is an object's RecordTypeId (a lookup to RecordType). */
export const isRecordTypeField = (field: { name: string; referenceTo: string[] }): boolean =>
  field.name === 'RecordTypeId' && field.referenceTo[0] === 'RecordType';

/** The record types of `object` in the order they were created (ids grow with the org's sequence). */
export function recordTypesOf(store: RecordsStore, object: string): RecordTypeView[] {
  const table = store.table('RecordType');
  if (!table) return [];
  const at = (name: string) => table.schema.byLower.get(name.toLowerCase()) as number;
  const [developerName, name, active] = [at('DeveloperName'), at('Name'), at('IsActive')];
  return table.lookup(at('SobjectType'), object).sort().map((id) => {
    const row = table.row(id) ?? [];
    return {
      id, developerName: String(table.get(row, developerName)), name: String(table.get(row, name)),
      active: table.get(row, active) === true,
    };
  });
}

/** The record type a new record gets when none is given: the configured default, else the first active one. */
export function defaultRecordTypeId(store: RecordsStore, object: string): string | null {
  const active = recordTypesOf(store, object).filter((t) => t.active);
  const named = store.defaultRecordTypes.get(object.toLowerCase());
  const chosen = active.find((t) => named !== undefined && t.developerName.toLowerCase() === named) ?? active[0];
  return chosen?.id ?? null;
}

/** Master is available to the user only while the object has no active record type of its own. */
export const masterAvailable = (store: RecordsStore, object: string): boolean =>
  !recordTypesOf(store, object).some((t) => t.active);

const notValidForUser = (id: string) => {
  const message = `Record Type ID: this ID value isn't valid for the user: ${id}`;
  return new SfError('INVALID_CROSS_REFERENCE_KEY', message, ['RecordTypeId']);
};

/**
 * The value a write stores in `object`'s RecordTypeId for `id` (an 18-character id), or the error an org gives: a
 * record type of another object, an inactive one, an unknown one, or Master while the object has active ones.
 */
export function recordTypeValue(store: RecordsStore, object: string, id: string): string | null | SfError {
  if (keyPrefixOf(id) !== '012') return id;
  if (id === MASTER_RECORD_TYPE_ID) return masterAvailable(store, object) ? null : notValidForUser(id);
  const found = recordTypesOf(store, object).find((t) => t.id === id);
  return found?.active ? id : notValidForUser(id);
}

/** What describe lists for `object`: its record types, flagged active and default (none when it has no RecordTypeId). */
export function recordTypeEntries(store: RecordsStore, object: ObjectSchema): RecordTypeEntry[] {
  if (!object.fields.some(isRecordTypeField)) return [];
  const defaultId = defaultRecordTypeId(store, object.name);
  return recordTypesOf(store, object.name).map((t) => ({ ...t, isDefault: t.id === defaultId }));
}
