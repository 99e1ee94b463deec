import type { Config } from '../config.js';
import { logger } from '../logger.js';
import { onShutdown } from '../lifecycle.js';
import { startEmbeddedCouch, startEmbeddedRedis, type ChildService } from '../embedded/index.js';
import { startWeb } from '../web-process.js';
import { startWorkers } from '../../workers/runtime.js';

/**
 * `dms start` / `npm start`: web and worker in one process, with an embedded redis-server and
 * CouchDB-compatible server for whatever is not configured. Data lives under DATA_DIR.
 */
export async function startAllInOne(config: Config): Promise<void> {
  const log = logger('app');
  const embedded: ChildService[] = [];
  const stopEmbedded = async () => {
    for (const service of embedded.reverse()) await service.stop();
  };
  try {
    if (!config.redis) {
      const redis = await startEmbeddedRedis(config.dataDir, config.searchPath);
      embedded.push(redis);
      config.redis = { url: redis.url, source: 'embedded' };
      log.info({ url: redis.url }, 'embedded redis-server started');
    }
    if (!config.couch) {
      const couch = await startEmbeddedCouch(config.dataDir);
      embedded.push(couch);
      config.couch = { url: couch.url, source: 'embedded', dbPrefix: config.couchDbPrefix };
      log.info({ url: couch.url }, 'embedded CouchDB-compatible server started');
    }
    const web = await startWeb(config);
    const workers = startWorkers(web.services);
    onShutdown([() => workers.close(config.shutdownTimeoutMs), () => web.stop(), stopEmbedded], { hardTimeoutMs: config.shutdownTimeoutMs + 8000 });
    process.stdout.write(`\nDMS is running at ${web.url}\n  data: ${config.dataDir}\n  stop with Ctrl+C\n\n`);
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
}
