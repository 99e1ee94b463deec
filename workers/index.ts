import { configOrExit } from '../src/config.js';
import { configureLogger, logger } from '../src/logger.js';
import { connectServices } from '../src/services.js';
import { onShutdown } from '../src/lifecycle.js';
import { startWorkers } from './runtime.js';

/** Worker process entry (Procfile `worker:`): drains the queues until SIGTERM. */
async function main(): Promise<void> {
  const config = configOrExit();
  configureLogger({ level: config.logLevel });
  const services = await connectServices(config, { role: 'worker' });
  const running = startWorkers(services);
  logger('worker').info({ queues: running.workers.map((w) => w.name), concurrency: config.queue.concurrency, pid: process.pid }, 'worker ready');
  onShutdown([() => running.close(config.shutdownTimeoutMs), () => services.close()], { hardTimeoutMs: config.shutdownTimeoutMs + 1500 });
}

main().catch((err: unknown) => {
  logger('worker').fatal({ err }, 'worker failed to start');
  process.exit(1);
});
