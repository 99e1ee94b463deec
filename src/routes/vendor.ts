import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';

/** chart.js's UMD build, served from node_modules (the CSP allows scripts from 'self' only: no CDN). */
const CHART_UMD = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/** /public/vendor: third-party browser bundles, pinned by package.json. */
export function vendorRoutes(options: { maxAgeMs: number }): Router {
  const router = Router();
  router.get('/chart.umd.js', (_req, res) => res.sendFile(CHART_UMD, { maxAge: options.maxAgeMs }));
  return router;
}
