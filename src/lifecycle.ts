import { logger } from './logger.js';

/**
 * Runs the given stop steps once on SIGTERM/SIGINT, in order, then exits. Cloud Foundry sends SIGKILL
 * 10 s after SIGTERM, so callers keep their own timeouts below that.
 */
export function onShutdown(steps: (() => Promise<void>)[], options: { hardTimeoutMs: number }): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger('app').info({ signal }, 'shutting down');
    const hard = setTimeout(() => {
      logger('app').error('shutdown took too long; exiting');
      process.exit(1);
    }, options.hardTimeoutMs);
    hard.unref();
    let code = 0;
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        code = 1;
        logger('app').error({ err }, 'shutdown step failed');
      }
    }
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
