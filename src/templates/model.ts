import { z } from 'zod';
import { Pipeline } from '../frame/index.js';
import { Mapping, WriteOperation } from '../mapping/index.js';

/** Letters, digits, space, dot, dash and underscore: safe in URLs, CouchDB ids and file names. */
export const TemplateName = z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'use letters, digits, spaces, dots, dashes or underscores');

/** A source column as the template's dataset had it (profile type), so another dataset can be compared. */
export const SourceColumn = z.object({ name: z.string(), type: z.string().optional() });
export type SourceColumn = z.infer<typeof SourceColumn>;

/** What a person saves: the body of POST /api/v1/templates. */
export const TemplateInput = z.object({
  name: TemplateName,
  object: z.string().min(1).max(80),
  operation: WriteOperation,
  externalIdField: z.string().min(1).max(80).optional(),
  mapping: Mapping,
  pipeline: Pipeline.default([]),
  description: z.string().max(2000).optional(),
  /** The columns of the dataset it was built on (names and profile types). */
  sourceColumns: z.array(SourceColumn).max(5000).default([]),
});
export type TemplateInput = z.infer<typeof TemplateInput>;

/** One immutable version of a named template; saving again writes version + 1. */
export const TemplateDoc = TemplateInput.extend({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('template'),
  version: z.number().int().positive(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type TemplateDoc = z.infer<typeof TemplateDoc>;

/** Versions sort as text in CouchDB's index: `template:Contacts:000003`. */
export const templateDocId = (name: string, version: number): string => `template:${name}:${String(version).padStart(6, '0')}`;

/** The API view: no CouchDB fields. */
export function presentTemplate(doc: TemplateDoc) {
  const { _id: _ignoredId, _rev: _ignoredRev, kind: _kind, ...rest } = doc;
  return { ...rest, urls: { self: `/api/v1/templates/${encodeURIComponent(doc.name)}/versions/${doc.version}`, page: `/templates/${encodeURIComponent(doc.name)}?version=${doc.version}` } };
}
