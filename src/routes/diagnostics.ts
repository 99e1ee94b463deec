import { Router } from 'express';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';

/** POST /api/v1/diagnostics/ping: round trip through the queue to a worker; answers which worker took it. */
export function diagnosticsRoutes(services: Services): Router {
  const router = Router();
  router.post('/ping', async (req, res) => {
    const job = await services.producer.enqueue('diagnostics.ping', { requestedAt: new Date().toISOString(), requestedBy: req.ip ?? 'unknown' });
    try {
      const answer = await services.producer.waitFor(job, 10_000);
      res.json({ jobId: job.id, answer });
    } catch (error) {
      throw new AppError('NO_WORKER', 503, `No worker answered within 10 s (${(error as Error).message}). Start one with \`npm run start:worker\`.`);
    }
  });
  return router;
}
