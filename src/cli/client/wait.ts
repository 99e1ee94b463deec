import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, EXIT } from './exit.js';
import { say } from './say.js';

/** Polls `read` until `done` says so; exit code 4 once `timeoutSeconds` (if any) have passed. */
export async function waitUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutSeconds?: number; intervalMs?: number; what: string; onValue?: (value: T) => void },
): Promise<T> {
  const deadline = options.timeoutSeconds === undefined ? Infinity : Date.now() + options.timeoutSeconds * 1000;
  for (;;) {
    const value = await read();
    options.onValue?.(value);
    if (done(value)) return value;
    if (Date.now() >= deadline) {
      throw new CliError(EXIT.timeout, say('cli.timedOut', { seconds: options.timeoutSeconds ?? 0, what: options.what }));
    }
    await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - Date.now())));
  }
}
