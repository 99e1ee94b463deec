import { AppError } from '../errors.js';
import type { Value } from '../frame/index.js';
import {
  checkMapping, fieldByName, requiredFieldsUnmapped, type DescribeSObjectResult, type Mapping,
} from '../mapping/index.js';
import { recordValidator, type RecordError, type ValidateOptions } from '../validation/index.js';
import type { MigrationDoc } from './model.js';

export interface Preflight {
  /**
   * What Salesforce would reject in a record with `keys`, given as its values in key order: such rows fail and are
   * never sent.
   */
  checkerFor(keys: readonly string[]): (values: readonly Value[]) => RecordError[];
  /** Describe type of a record key (relationship keys have none). */
  fieldType(key: string): string | undefined;
}

/** What the org tells about lookups (describeGlobal's key prefixes, parent describes): the validation job's options too. */
export type OrgLookups = Pick<ValidateOptions, 'keyPrefixes' | 'parents'>;

/**
 * Checks the mapping against describe before anything runs (a wrong field would fail every row),
 * then gives the per-row check of the validation room, with the same options as the validation job
 * so a row fails with the same first error.
 */
export function buildPreflight(
  describe: DescribeSObjectResult,
  migration: Pick<MigrationDoc, 'operation' | 'externalIdField' | 'object'>,
  mapping: Mapping,
  lookups: OrgLookups = {},
): Preflight {
  const problems = checkMapping(mapping, describe).map((p) => `${p.entry}: ${p.message}`);
  for (const missing of requiredFieldsUnmapped(mapping, describe, migration.operation, migration.externalIdField)) {
    problems.push(`${missing.field} is not mapped (${missing.reason})`);
  }
  if (mapping.object.toLowerCase() !== describe.name.toLowerCase()) problems.push(`the mapping is for ${mapping.object}, not ${describe.name}`);
  if (migration.operation === 'upsert') {
    const ext = fieldByName(describe, migration.externalIdField ?? '');
    if (!ext || !(ext.externalId || ext.idLookup || ext.type === 'id')) problems.push(`${migration.externalIdField} is not an external id field of ${describe.name}`);
  }
  if (problems.length > 0) throw new AppError('MAPPING_INVALID', 400, `The mapping does not fit ${describe.name}: ${problems.join('; ')}.`, { details: problems });
  const validate = recordValidator(describe, migration.operation, { externalIdField: migration.externalIdField, ...lookups });
  // fieldType is asked once per key of a chunk (prepareChunk), and describe lookups are indexed: nothing to keep here.
  return { checkerFor: (keys) => validate.forKeys(keys), fieldType: (key) => fieldByName(describe, key)?.type };
}
