import { configOrExit } from './config.js';
import { configureLogger, logger } from './logger.js';
import { onShutdown } from './lifecycle.js';
import { startWeb } from './web-process.js';

/** Web process entry (Procfile `web:`): serves pages and the API until SIGTERM. */
async function main(): Promise<void> {
  const config = configOrExit();
  configureLogger({ level: config.logLevel });
  const web = await startWeb(config, { localOrgUrl: config.emulator.localOrgUrl });
  onShutdown([() => web.stop()], { hardTimeoutMs: config.shutdownTimeoutMs + 1500 });
}

main().catch((err: unknown) => {
  logger('app').fatal({ err }, 'web failed to start');
  process.exit(1);
});
