import { AppError } from '../errors.js';
import { isValidId, type FieldDescribe, type FlatRecord, type ObjectDescribe, type RecordError } from '../salesforce/index.js';
import type { FieldMapping, MigrationDoc } from './model.js';

const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'encryptedstring']);

export interface Preflight {
  /** Row-level problems that Salesforce would reject: such rows are failed and never sent. */
  check(record: FlatRecord): RecordError[];
  fieldType(target: string): string | undefined;
}

/**
 * Checks the mapping against describe before anything runs (a wrong field name would fail every
 * row) and builds the per-row check: the rules that are certain from describe alone.
 */
export function buildPreflight(describe: ObjectDescribe, migration: Pick<MigrationDoc, 'operation' | 'externalIdField' | 'object'>, mapping: FieldMapping): Preflight {
  const fields = new Map<string, FieldDescribe>(describe.fields.map((f) => [f.name.toLowerCase(), f]));
  const relationships = new Set(describe.fields.map((f) => f.relationshipName?.toLowerCase()).filter((n): n is string => !!n));
  const targets = [...mapping.fields.map((f) => f.target), ...mapping.constants.map((c) => c.target)];
  const problems: string[] = [];
  for (const target of targets) {
    const dot = target.indexOf('.');
    if (dot > 0 ? !relationships.has(target.slice(0, dot).toLowerCase()) : !fields.has(target.toLowerCase())) {
      problems.push(`${target} is not a field or relationship of ${migration.object}`);
    }
  }
  const has = (name: string) => targets.some((t) => t.toLowerCase() === name.toLowerCase());
  const { operation } = migration;
  if (['update', 'delete', 'hardDelete'].includes(operation) && !has('Id')) problems.push(`${operation} needs a column mapped to Id`);
  if (operation === 'upsert') {
    const ext = migration.externalIdField ?? '';
    const field = fields.get(ext.toLowerCase());
    if (!field || !(field.externalId || field.idLookup || field.name === 'Id')) problems.push(`${ext} is not an external id field of ${migration.object}`);
    if (!has(ext)) problems.push(`upsert by ${ext} needs a column mapped to it`);
  }
  if (problems.length > 0) throw new AppError('MAPPING_INVALID', 400, `The mapping does not fit ${migration.object}: ${problems.join('; ')}.`, { details: problems });

  const required = operation === 'insert'
    ? describe.fields.filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean').map((f) => f.name)
    : [];
  return {
    fieldType: (target) => fields.get(target.toLowerCase())?.type,
    check(record) {
      const errors: RecordError[] = [];
      const missing = required.filter((name) => record[name] === undefined || record[name] === '');
      if (missing.length > 0) errors.push({ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing });
      if (operation === 'update' || operation === 'delete' || operation === 'hardDelete') {
        const id = record.Id;
        if (id === undefined || id === '') errors.push({ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified', fields: ['Id'] });
        else if (!isValidId(String(id))) errors.push({ statusCode: 'MALFORMED_ID', message: `malformed id ${String(id)}`, fields: ['Id'] });
      }
      if (operation === 'upsert' && migration.externalIdField) {
        const value = record[migration.externalIdField];
        if (value === undefined || value === '') errors.push({ statusCode: 'MISSING_ARGUMENT', message: `${migration.externalIdField} not specified`, fields: [migration.externalIdField] });
      }
      for (const [name, value] of Object.entries(record)) {
        const field = fields.get(name.toLowerCase());
        if (field && TEXT_TYPES.has(field.type) && field.length > 0 && typeof value === 'string' && value.length > field.length) {
          errors.push({ statusCode: 'STRING_TOO_LONG', message: `${field.name}: data value too large (max length=${field.length})`, fields: [field.name] });
        }
      }
      return errors;
    },
  };
}
