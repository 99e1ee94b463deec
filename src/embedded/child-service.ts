import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

/** Stops a process a previous run left behind (it holds the data folder's locks), if it is still that service. */
async function stopLeftover(pidFile: string, name: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  const commandLine = (() => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  })();
  if (!Number.isInteger(pid) || pid <= 0 || !commandLine.includes(name)) return;
  logger('app', { service: name }).warn({ pid }, 'stopping a copy left running by an earlier DMS');
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const READY_MESSAGE = 'dms:ready';

/**
 * Tells a supervising `dms start` that this process is ready (its modules loaded, its connections made), so the
 * banner is printed only when every process can take work. Then lets go of the channel, which would otherwise keep
 * the process alive. Without a supervisor (Cloud Foundry, a Procfile runner) there is no channel: nothing to do.
 */
export function announceReady(): void {
  if (!process.send) return;
  process.send(READY_MESSAGE, undefined, {}, () => process.disconnect?.());
}

/** A check that answers true once the child serves, or `announced`: the child says so itself (announceReady). */
export type Readiness = (() => Promise<boolean>) | 'announced';

export interface ChildService {
  readonly name: string;
  /** The running child's process id (a new one after a restart), for whoever watches its CPU and memory. */
  readonly pid?: number;
  stop(): Promise<void>;
}

/** A child that stayed up this long counts as healthy: its next crash starts the backoff again. */
const HEALTHY_AFTER_MS = 60_000;

/**
 * How long to wait before restarting a child after `crashesInARow` crashes (0.5 s more each time, at most 5 s), never
 * "give up": a worker left dead would leave every run it held stuck in `running` behind a web page that still answers.
 * What keeps crashing a worker (a batch too large for its heap) is bounded where it is known: a batch lost that often
 * without progress is ended (MIGRATION_BATCH_REVIVALS).
 */
export const restartDelayMs = (crashesInARow: number): number => Math.min(crashesInARow * 500, 5000);

/**
 * Runs a backing service or a DMS process as a supervised child process: restarted whenever it dies unexpectedly
 * (pouchdb-server can be killed by a single bad request), stopped with SIGTERM then SIGKILL.
 */
export async function superviseChild(options: {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** DMS's own processes write their logs to the terminal; a backing service's output is kept for its error message. */
  inheritOutput?: boolean;
  ready: Readiness;
  readyTimeoutMs?: number;
  /** Where the child's pid is kept, so a copy left running by a killed DMS is stopped before a new one starts. */
  pidFile?: string;
}): Promise<ChildService> {
  const log = logger('app', { service: options.name });
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let crashesInARow = 0;
  let launchedAt = 0;
  let lastOutput = '';
  let announced = false;

  if (options.pidFile) await stopLeftover(options.pidFile, options.name);
  const launch = () => {
    // A process group of its own: Ctrl+C (or a SIGTERM to DMS's group) reaches DMS alone, which stops the workers and
    // the web process while Redis and CouchDB still answer, and then stops this child itself.
    const output = options.inheritOutput ? 'inherit' : 'pipe';
    const ipc = options.ready === 'announced' ? ['ipc' as const] : [];
    announced = false;
    launchedAt = Date.now();
    child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', output, output, ...ipc], detached: true });
    child.on('message', (message) => {
      if (message === READY_MESSAGE) announced = true;
    });
    if (options.pidFile && child.pid) writeFileSync(options.pidFile, String(child.pid));
    const keep = (chunk: Buffer) => {
      lastOutput = (lastOutput + chunk.toString()).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      restarts++;
      crashesInARow = Date.now() - launchedAt >= HEALTHY_AFTER_MS ? 1 : crashesInARow + 1;
      const delayMs = restartDelayMs(crashesInARow);
      log.error({ code, signal, restarts, crashesInARow, delayMs, output: lastOutput.slice(-500) }, 'child process exited; restarting');
      // Decided again when the timer fires: a stop that began meanwhile restarts nothing.
      setTimeout(() => stopping || launch(), delayMs).unref();
    });
  };
  launch();
  // A DMS that exits without stopping its services (a shutdown that timed out, a fatal error) still takes the
  // current child with it: 'exit' handlers run on process.exit, and sending a signal is synchronous.
  const stopOnExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stopOnExit);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  const { ready } = options;
  const isReady = ready === 'announced' ? async () => announced : ready;
  while (!(await isReady().catch(() => false))) {
    if (Date.now() > deadline || (child?.exitCode !== null && child?.exitCode !== undefined && restarts > 2)) {
      stopping = true;
      process.off('exit', stopOnExit);
      child?.kill('SIGKILL');
      throw new Error(`${options.name} did not start: ${lastOutput.trim().slice(-500) || 'no output'}`);
    }
    await sleep(100);
  }
  return {
    name: options.name,
    get pid() {
      return child?.pid;
    },
    async stop() {
      stopping = true;
      process.off('exit', stopOnExit);
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
