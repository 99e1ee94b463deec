import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';

export const apiDocsOperations = defineOperations([
  {
    method: 'get', path: '/api/v1/openapi.json', tag: 'operations', scope: 'public',
    summary: 'This document (OpenAPI 3.1)',
    responses: { 200: z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) }) },
  },
]);
