import { z } from 'zod';
import { Mapping, WriteOperation } from '../mapping/index.js';
import { MigrationOptions } from '../migrations/index.js';

/** The guided flow, in order: each step a page with Back and Next. */
export const DRAFT_STEPS = ['start', 'target', 'mapping', 'pipeline', 'validate', 'run'] as const;
export const DraftStep = z.enum(DRAFT_STEPS);
export type DraftStep = z.infer<typeof DraftStep>;

/** Steps as the editor keeps them: a half-filled step waits here until it is complete (runs get whole pipelines only). */
export const DraftPipeline = z.array(z.looseObject({ op: z.string().min(1).max(40) })).max(100);
export type DraftPipeline = z.infer<typeof DraftPipeline>;

/** The run options a person picks on the last step. */
export const RunChoices = MigrationOptions.pick({ batchSize: true, apiMode: true, serial: true, allOrNone: true });
export type RunChoices = z.infer<typeof RunChoices>;

const TemplateRef = z.object({ name: z.string().min(1).max(100), version: z.number().int().positive() });
const objectName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'an sObject API name').max(80);

/** One change from a step form or the editors' autosave (PATCH); null clears a choice. */
export const DraftChange = z.object({
  datasetId: z.string().min(1).max(100),
  connectionId: z.string().min(1).max(100),
  object: objectName,
  operation: WriteOperation,
  externalIdField: objectName.nullable(),
  mapping: Mapping,
  pipeline: DraftPipeline,
  options: RunChoices,
  insertNulls: z.boolean(),
  name: z.string().trim().max(200).nullable(),
}).partial();
export type DraftChange = z.infer<typeof DraftChange>;

/** A migration being set up, kept in CouchDB so a reload or a second tab loses nothing. */
export const DraftDoc = z.object({
  _id: z.string().startsWith('draft-'),
  _rev: z.string().optional(),
  kind: z.literal('draft'),
  datasetId: z.string(),
  template: TemplateRef.optional(),
  connectionId: z.string().default('local'),
  object: z.string().optional(),
  operation: WriteOperation.default('insert'),
  externalIdField: z.string().optional(),
  mapping: Mapping.optional(),
  pipeline: DraftPipeline.default([]),
  options: RunChoices.default(RunChoices.parse({})),
  /** Blank cells clear their fields (sent as #N/A); unset: the connection's default. */
  insertNulls: z.boolean().optional(),
  name: z.string().optional(),
  /** The dry run of exactly this mapping and pipeline; any change to them forgets it. */
  validationId: z.string().optional(),
  /** Set once the run is started: the draft is then done. */
  migrationId: z.string().optional(),
  /** The furthest step reached: the step bar links to every step up to it. */
  reached: DraftStep.default('start'),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DraftDoc = z.infer<typeof DraftDoc>;

export const stepIndex = (step: DraftStep): number => DRAFT_STEPS.indexOf(step);
export const draftUrl = (id: string, step: DraftStep): string => `/migrations/drafts/${encodeURIComponent(id)}/${step}`;
