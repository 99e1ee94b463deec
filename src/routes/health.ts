import { Router } from 'express';
import type { Services } from '../services.js';
import { redisVersion } from '../cache/index.js';
import { APP_VERSION } from '../paths.js';

export interface Readiness {
  ready: boolean;
}

async function check<T>(probe: () => Promise<T>, timeoutMs: number): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: are Redis and CouchDB reachable, and which versions. /readyz: is this process taking traffic. */
export function healthRoutes(services: Services, readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [redis, couchdb] = await Promise.all([
      check(async () => ({ version: await redisVersion(services.redis) }), 2000),
      check(() => services.store.ping(), 3000),
    ]);
    const ok = redis.ok && couchdb.ok;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      version: APP_VERSION,
      redis: redis.ok ? { ok: true, ...redis.value } : { ok: false, error: redis.error },
      couchdb: couchdb.ok ? { ok: true, ...couchdb.value } : { ok: false, error: couchdb.error },
    });
  });
  router.get('/readyz', (_req, res) => {
    res.status(readiness.ready ? 200 : 503).json({ ready: readiness.ready });
  });
  return router;
}
