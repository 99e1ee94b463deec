import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { DraftChange, DraftStart } from '../../drafts/index.js';
import { Mapping } from '../../mapping/index.js';
import { SdlUpload } from '../drafts.js';
import { IdParams, Urls, resourceRoutes } from './shapes.js';

/** The guided flow's state, as the step pages and the editors' autosave read and write it. */
const DraftView = z.looseObject({
  id: z.string(),
  datasetId: z.string(),
  connectionId: z.string(),
  object: z.string().optional(),
  operation: z.string(),
  mapping: Mapping.optional(),
  pipeline: z.array(z.looseObject({ op: z.string() })),
  reached: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  urls: Urls,
}).meta({ id: 'Draft' });

const sdlFile = { contentType: 'text/plain', description: 'A Data Loader mapping file (.sdl)' };
const tag = 'drafts';
const drafts = resourceRoutes('/api/v1/drafts', tag, DraftView);

export const draftOperations = defineOperations([
  {
    method: 'post', path: '/api/v1/drafts', tag, scope: 'operate',
    summary: 'Begin a guided migration: a dataset, a saved template or a finished dry run',
    body: DraftStart,
    responses: { 201: DraftView },
  },
  drafts.one('A draft\'s choices so far'),
  {
    method: 'patch', path: '/api/v1/drafts/{id}', tag, scope: 'operate',
    summary: 'Change some of a draft\'s choices (null clears one)',
    params: IdParams, body: DraftChange, responses: { 200: DraftView },
  },
  {
    method: 'get', path: '/api/v1/drafts/{id}/mapping.sdl', tag, scope: 'read',
    summary: 'The draft\'s mapping as a Data Loader .sdl file', params: IdParams, responses: { 200: sdlFile },
  },
  {
    method: 'post', path: '/api/v1/drafts/{id}/sdl', tag, scope: 'operate',
    summary: 'Replace the draft\'s mapping with a Data Loader .sdl file; what matches nothing is listed',
    params: IdParams,
    body: SdlUpload,
    responses: { 200: z.object({ mapping: Mapping, unknownColumns: z.array(z.string()), unknownFields: z.array(z.string()) }) },
  },
]);
