import type { Config } from '../config.js';
import { logger } from '../logger.js';
import { onShutdown } from '../lifecycle.js';
import { startEmbeddedCouch, startEmbeddedRedis, type ChildService } from '../embedded/index.js';
import { startWeb } from '../web-process.js';
import { startWorkers } from '../../workers/runtime.js';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { ensureInitialAdmin } from '../auth/index.js';

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
    if (config.emulator.enabled && !config.emulator.localOrgUrl) {
      // The Local org: the Salesforce emulator in this process, its records saved under DATA_DIR/emulator.
      const { startEmulator } = await import('../salesforce-emulator/index.js');
      const emulator = await startEmulator({ port: config.emulator.port, host: '127.0.0.1', dataDir: join(config.dataDir, 'emulator') });
      embedded.push({ name: 'salesforce-emulator', stop: () => emulator.close() });
      config.emulator.localOrgUrl = emulator.url;
    }
    const web = await startWeb(config, { localOrgUrl: config.emulator.localOrgUrl });
    const workers = startWorkers(web.services);
    onShutdown([() => workers.close(config.shutdownTimeoutMs), () => web.stop(), stopEmbedded], { hardTimeoutMs: config.shutdownTimeoutMs + 8000 });
    const localOrg = config.emulator.localOrgUrl ? `\n  Local org (Salesforce emulator): ${config.emulator.localOrgUrl}  user admin@local.org / password` : '';
    // Idempotent: the app also starts it; waiting here lets the banner say where the password is.
    await ensureInitialAdmin(web.services);
    const adminFile = join(config.dataDir, 'initial-admin.txt');
    const signIn = existsSync(adminFile) ? `\n  sign in: the first admin's user name and password are in ${adminFile}` : '';
    process.stdout.write(`\nDMS is running at ${web.url}${signIn}${localOrg}\n  data: ${config.dataDir}\n  stop with Ctrl+C\n\n`);
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
}
