import { AppError } from '../errors.js';
import { checkMapping, fieldByName, type DescribeSObjectResult, type Field, type Mapping, type WriteOperation } from '../mapping/index.js';
import type { ValidateOptions } from '../validation/index.js';
import type { DescribeContext } from './describe.js';

export interface Target {
  object: string;
  operation: WriteOperation;
  externalIdField?: string;
}

/** Field names as describe spells them, so record keys match what duplicate checks and reports look up. */
export function canonicalMapping(mapping: Mapping, describe: DescribeSObjectResult): Mapping {
  const name = (field: string) => fieldByName(describe, field)?.name ?? field;
  return {
    object: describe.name,
    fields: mapping.fields.map((e) => ({ ...e, field: name(e.field) })),
    relationships: mapping.relationships.map((e) => ({ ...e, field: name(e.field) })),
    constants: mapping.constants.map((e) => ({ ...e, field: name(e.field) })),
  };
}

/** What stops a run before any row: unknown or read-only fields, fields mapped twice, a wrong upsert key. */
export function assertMappingFits(mapping: Mapping, describe: DescribeSObjectResult, target: Target): void {
  const problems = checkMapping(mapping, describe).map((p) => `${p.entry}: ${p.message}`);
  if (target.operation === 'upsert') {
    const key = fieldByName(describe, target.externalIdField ?? 'Id');
    if (!key || !(key.externalId || key.idLookup || key.type === 'id')) {
      problems.push(`${target.externalIdField ?? 'Id'} is not an external id field of ${describe.name}`);
    }
  }
  if (problems.length > 0) {
    throw new AppError('MAPPING_INVALID', 400, `The mapping does not fit ${describe.name}: ${problems.join('; ')}.`, { details: problems });
  }
}

/**
 * Fields whose values must be unique within the file: the upsert key (two rows with one key would
 * both target one record) and mapped unique external ids (the second insert would be refused).
 */
export function uniqueFields(mapping: Mapping, describe: DescribeSObjectResult, target: Target): Field[] {
  if (target.operation === 'delete' || target.operation === 'hardDelete') return [];
  const fields = new Map<string, Field>();
  if (target.operation === 'upsert' && target.externalIdField) {
    const key = fieldByName(describe, target.externalIdField);
    if (key && key.type !== 'id') fields.set(key.name, key);
  }
  for (const entry of mapping.fields) {
    const field = fieldByName(describe, entry.field);
    if (field && field.externalId && field.unique) fields.set(field.name, field);
  }
  return [...fields.values()];
}

export function validateOptions(ctx: DescribeContext, target: Target): ValidateOptions {
  return { externalIdField: target.externalIdField, parents: ctx.parents, keyPrefixes: ctx.keyPrefixes };
}
