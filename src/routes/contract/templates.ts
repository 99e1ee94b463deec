import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { TemplateInput } from '../../templates/index.js';
import { CheckBody, DiffQuery } from '../templates.js';
import { ConfirmFields } from '../../confirmations/index.js';
import { Urls } from './shapes.js';

const TemplateView = TemplateInput.extend({ version: z.number().int(), createdBy: z.string(), createdAt: z.string(), urls: Urls })
  .loose()
  .meta({ id: 'Template' });
const NameParams = z.object({ name: z.string().meta({ description: 'The template\'s name' }) });
const tag = 'templates';

export const templateOperations = defineOperations([
  {
    method: 'get', path: '/api/v1/templates', tag, scope: 'read', summary: 'Templates with their latest version',
    responses: { 200: z.object({ templates: z.array(z.looseObject({ name: z.string(), latest: z.number().int(), object: z.string(), operation: z.string() })) }) },
  },
  {
    method: 'post', path: '/api/v1/templates', tag, scope: 'operate',
    summary: 'Save a template (a new version when the name exists)',
    body: TemplateInput,
    responses: { 201: TemplateView },
  },
  {
    method: 'get', path: '/api/v1/templates/{name}', tag, scope: 'read',
    summary: 'The newest version',
    params: NameParams,
    responses: { 200: TemplateView },
  },
  {
    method: 'delete', path: '/api/v1/templates/{name}', tag, scope: 'operate',
    summary: 'Delete every version of a template (confirm: true)',
    params: NameParams,
    body: ConfirmFields,
    responses: { 204: null },
  },
  {
    method: 'get', path: '/api/v1/templates/{name}/mapping.sdl', tag, scope: 'read',
    summary: 'The mapping as a Data Loader .sdl file (?version=n)',
    params: NameParams,
    responses: { 200: { contentType: 'text/plain', description: 'A Data Loader mapping file (.sdl)' } },
  },
  {
    method: 'get', path: '/api/v1/templates/{name}/versions', tag, scope: 'read',
    summary: 'Every version, oldest first',
    params: NameParams,
    responses: { 200: z.object({ name: z.string(), versions: z.array(z.object({ version: z.number().int(), createdAt: z.string(), createdBy: z.string() })) }) },
  },
  {
    method: 'get', path: '/api/v1/templates/{name}/versions/{version}', tag, scope: 'read', summary: 'One version',
    params: NameParams.extend({ version: z.string().regex(/^\d+$/) }), responses: { 200: TemplateView },
  },
  {
    method: 'get', path: '/api/v1/templates/{name}/diff', tag, scope: 'read',
    summary: 'What changed between two versions',
    params: NameParams,
    query: DiffQuery,
    responses: { 200: z.looseObject({ from: z.number().int(), to: z.number().int(), settings: z.array(z.unknown()), mapping: z.looseObject({}), pipeline: z.looseObject({}) }) },
  },
  {
    method: 'post', path: '/api/v1/templates/{name}/check', tag, scope: 'operate',
    summary: 'Does a dataset fit this template?',
    params: NameParams,
    body: CheckBody,
    responses: {
      200: z.looseObject({
        template: z.string(), version: z.number().int(), datasetId: z.string(), compatible: z.boolean(),
        missingColumns: z.array(z.unknown()), extraColumns: z.array(z.string()), messages: z.array(z.string()),
      }),
    },
  },
]);
