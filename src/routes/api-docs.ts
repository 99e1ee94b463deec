import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { buildOpenApiDocument } from '../openapi/index.js';
import { API_OPERATIONS } from './contract/index.js';

const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': join(SWAGGER_UI, 'swagger-ui-bundle.js'),
  'swagger-ui.css': join(SWAGGER_UI, 'swagger-ui.css'),
};

/** /api/v1/openapi.json (public) and the reference page /api-docs (Swagger UI from node_modules: no CDN). */
export function apiDocsRoutes(options: { maxAgeMs: number }): Router {
  const router = Router();
  let document: Record<string, unknown> | undefined;
  router.get('/api/v1/openapi.json', (_req, res) => {
    document ??= buildOpenApiDocument(API_OPERATIONS);
    res.json(document);
  });
  router.get('/api-docs', (_req, res) => {
    res.render('pages/api-docs', { title: res.locals.t('apiDocs.title') });
  });
  router.get('/public/vendor/swagger-ui/:file', (req, res, next) => {
    const file = ASSETS[req.params.file];
    if (!file) return next();
    res.sendFile(file, { maxAge: options.maxAgeMs });
  });
  return router;
}
