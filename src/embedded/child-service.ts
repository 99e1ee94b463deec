import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../logger.js';

/** A free loopback port, found by letting the OS pick one. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ChildService {
  readonly name: string;
  stop(): Promise<void>;
}

/**
 * Runs a backing service as a supervised child process: restarted when it dies unexpectedly
 * (pouchdb-server can be killed by a single bad request), stopped with SIGTERM then SIGKILL.
 */
export async function superviseChild(options: {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
}): Promise<ChildService> {
  const log = logger('app', { service: options.name });
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let lastOutput = '';

  const launch = () => {
    child = spawn(options.command, options.args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      lastOutput = (lastOutput + chunk.toString()).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      restarts++;
      log.error({ code, signal, restarts, output: lastOutput.slice(-500) }, 'embedded service exited; restarting');
      if (restarts <= 20) setTimeout(launch, Math.min(restarts * 500, 5000)).unref();
    });
  };
  launch();

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  while (!(await options.ready().catch(() => false))) {
    if (Date.now() > deadline || (child?.exitCode !== null && child?.exitCode !== undefined && restarts > 2)) {
      stopping = true;
      child?.kill('SIGKILL');
      throw new Error(`${options.name} did not start: ${lastOutput.trim().slice(-500) || 'no output'}`);
    }
    await sleep(100);
  }
  return {
    name: options.name,
    async stop() {
      stopping = true;
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
