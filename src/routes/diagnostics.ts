import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';

export const PingRequest = z.object({ holdMs: z.number().int().min(0).max(60_000).default(0) }).default({ holdMs: 0 });

/** POST /api/v1/diagnostics/ping: round trip through the queue to a worker; answers which worker took it. */
export function diagnosticsRoutes(services: Services): Router {
  const router = Router();
  router.post('/ping', async (req, res) => {
    const { holdMs } = PingRequest.parse(req.body ?? {});
    const job = await services.producer.enqueue('diagnostics.ping', { requestedAt: new Date().toISOString(), requestedBy: req.ip ?? 'unknown', holdMs });
    try {
      const answer = await services.producer.waitFor(job, holdMs + 10_000);
      res.json({ jobId: job.id, answer });
    } catch (error) {
      throw new AppError('NO_WORKER', 503, `No worker answered within ${Math.round((holdMs + 10_000) / 1000)} s (${(error as Error).message}). Start one with \`npm run start:worker\`.`);
    }
  });
  return router;
}
