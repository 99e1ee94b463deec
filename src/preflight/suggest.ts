import { z } from 'zod';
import type { Services } from '../services.js';
import { getDataset } from '../datasets/index.js';
import {
  fieldByRelationship, isRequiredOnInsert, mappingFromSuggestions, requiredFieldsUnmapped, suggestMapping,
  type DescribeSObjectResult, type Field, type Mapping, type Suggestion, type UnmappedRequirement,
} from '../mapping/index.js';
import { describeFor } from './describe.js';

export const SuggestRequest = z.object({
  datasetId: z.string().min(1).max(100),
  connectionId: z.string().min(1).max(100).default('local'),
  object: z.string().min(1).max(80),
});

/** What the mapping page and API clients need of a field (a full describe is ~100 KB). */
export interface FieldChoice {
  name: string;
  label: string;
  type: string;
  length: number;
  required: boolean;
  createable: boolean;
  updateable: boolean;
  externalId: boolean;
  unique: boolean;
  relationshipName: string | null;
  referenceTo: string[];
  /** For a lookup to one object: the parent's fields a relationship column may name (external id or idLookup). */
  parentKeys: string[];
  picklist: string[];
  restrictedPicklist: boolean;
}

function choice(f: Field, parent?: DescribeSObjectResult): FieldChoice {
  return {
    name: f.name, label: f.label, type: f.type, length: f.length, required: isRequiredOnInsert(f),
    createable: f.createable, updateable: f.updateable, externalId: f.externalId, unique: f.unique,
    relationshipName: f.relationshipName ?? null, referenceTo: f.referenceTo,
    parentKeys: parent ? parent.fields.filter((p) => p.externalId || p.idLookup).map((p) => p.name) : [],
    picklist: f.picklistValues.filter((p) => p.active).map((p) => p.value), restrictedPicklist: f.restrictedPicklist,
  };
}

/** The writable fields (plus Id) with, for writable single-object lookups, the parent's key fields. */
export async function fieldChoices(services: Services, connectionId: string, describe: DescribeSObjectResult): Promise<FieldChoice[]> {
  const writable = describe.fields.filter((f) => f.createable || f.updateable || f.type === 'id');
  const parents = new Map<string, DescribeSObjectResult>();
  for (const f of writable) {
    const target = f.type === 'reference' && f.referenceTo.length === 1 ? f.referenceTo[0] : undefined;
    if (target && !parents.has(target)) parents.set(target, await describeFor(services, connectionId, target));
  }
  return writable.map((f) => choice(f, f.type === 'reference' && f.referenceTo.length === 1 ? parents.get(f.referenceTo[0]) : undefined));
}

export interface SuggestResult {
  object: string;
  columns: string[];
  suggestions: Suggestion[];
  mapping: Mapping;
  unmappedRequired: UnmappedRequirement[];
}

/** Column -> field suggestions with scores for a dataset; `Account.External_Id__c` columns are checked against the parent. */
export async function suggestForDataset(services: Services, body: unknown): Promise<SuggestResult> {
  const request = SuggestRequest.parse(body);
  const dataset = await getDataset(services.store, request.datasetId);
  const describe = await describeFor(services, request.connectionId, request.object);
  const parents: Record<string, DescribeSObjectResult> = {};
  for (const column of dataset.columns) {
    const lookup = column.includes('.') ? fieldByRelationship(describe, column.split('.')[0]) : undefined;
    const target = lookup?.referenceTo.length === 1 ? lookup.referenceTo[0] : undefined;
    if (target && !parents[target]) parents[target] = await describeFor(services, request.connectionId, target);
  }
  const suggestions = suggestMapping(dataset.columns, describe, parents);
  const mapping = mappingFromSuggestions(describe.name, suggestions);
  return { object: describe.name, columns: dataset.columns, suggestions, mapping, unmappedRequired: requiredFieldsUnmapped(mapping, describe, 'insert') };
}
