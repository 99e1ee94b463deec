import type { RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS } from './catalogue.js';

/**
 * dms_http_request_duration_seconds by method, route pattern (`/api/v1/datasets/:id`, never the raw URL, so ids do
 * not multiply the series) and status. Per web instance: Prometheus scrapes each instance.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const histogram = new Histogram({
    name: 'dms_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status (this web instance)',
    labelNames: ['method', 'route', 'status'],
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });
  return (req, res, next) => {
    const end = histogram.startTimer();
    res.once('finish', () => {
      const pattern = req.route?.path as string | undefined;
      const route = pattern ? `${req.baseUrl}${pattern}` : req.path.startsWith('/public/') ? '/public/*' : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
