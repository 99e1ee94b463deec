import { configOrExit } from '../src/config.js';
import { configureLogger, logger } from '../src/logger.js';
import { connectServices } from '../src/services.js';
import { onShutdown } from '../src/lifecycle.js';
import { loadJsforce } from '../src/salesforce/index.js';
import { announceReady } from '../src/embedded/index.js';
import { startWorkers } from './runtime.js';

/** Worker process entry (Procfile `worker:`): drains the queues until SIGTERM. */
async function main(): Promise<void> {
  const config = configOrExit();
  configureLogger({ level: config.logLevel });
  // jsforce takes 0.3 s to load (2-3 s on a loaded machine): a worker that runs migrations loads it while it connects,
  // so its first job (often a batch resumed after another worker died) does not wait for it.
  const migrates = config.queue.queues.some((q) => q === 'migrations' || q === 'migration-batches');
  const [services] = await Promise.all([connectServices(config, { role: 'worker' }), migrates ? loadJsforce() : undefined]);
  const running = startWorkers(services);
  const queues = running.workers.map((w) => w.name);
  const batchConcurrency = queues.includes('migration-batches') ? { batchConcurrency: config.queue.batchConcurrency } : {};
  logger('worker').info({ queues, concurrency: config.queue.concurrency, ...batchConcurrency, pid: process.pid }, 'worker ready');
  announceReady();
  onShutdown([() => running.close(config.shutdownTimeoutMs), () => services.close()], { hardTimeoutMs: config.shutdownTimeoutMs + 1500 });
}

main().catch((err: unknown) => {
  logger('worker').fatal({ err }, 'worker failed to start');
  process.exit(1);
});
