import { Router, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { Services } from '../services.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { httpMetrics } from '../metrics/http.js';
import { sharedMetricsText, standardNaN } from '../metrics/exposition.js';

/** One registry per set of services (tests build many apps over the same services). */
const registries = new WeakMap<Services, { registry: Registry; http: RequestHandler }>();

function metricsOf(services: Services) {
  let entry = registries.get(services);
  if (!entry) {
    const registry = createMetricsRegistry(services);
    registries.set(services, (entry = { registry, http: httpMetrics(registry) }));
  }
  return entry;
}

/** Times every request of the app (mounted first). */
export const httpMetricsMiddleware = (services: Services): RequestHandler => metricsOf(services).http;

/**
 * GET /metrics in Prometheus text format: admins, or an API token with the `metrics` scope (the central policy).
 * This process flushes its own figures first, so the answer includes them.
 */
export function metricsRoutes(services: Services): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const { registry } = metricsOf(services);
    await services.metrics.now();
    const [own, shared] = await Promise.all([registry.metrics(), sharedMetricsText(services.redis, services.config.queue.prefix)]);
    res.type(registry.contentType).send(`${standardNaN(own)}\n${shared}`);
  });
  return router;
}
