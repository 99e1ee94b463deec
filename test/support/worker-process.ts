import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Config } from '../../src/config.js';

/** The environment that makes a child process use the same Redis, CouchDB prefix and queue prefix as a test config. */
export function envFor(config: Config, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    REDIS_URL: config.redis?.url ?? '',
    COUCHDB_URL: config.couch?.url ?? '',
    COUCHDB_DB_PREFIX: config.couchDbPrefix,
    QUEUE_PREFIX: config.queue.prefix,
    ...(config.emulator.localOrgUrl ? { LOCAL_ORG_URL: config.emulator.localOrgUrl } : {}),
    ...extra,
  };
}

export interface WorkerChild {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Starts `workers/index.ts` as a separate process, as `npm run start:worker` would, and waits for "worker ready".
 * `entry`: other node arguments, e.g. compiled JavaScript (`['bench/out/dist/workers/index.js']`, what the Procfile runs).
 */
export async function startWorkerProcess(config: Config, extra: Record<string, string> = {}, entry = ['--import', 'tsx', 'workers/index.ts']): Promise<WorkerChild> {
  const child = spawn(process.execPath, entry, { env: envFor(config, extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Generous: under load (several test runs on two cores) tsx takes tens of seconds to load the process.
  const deadline = Date.now() + 90_000;
  while (!output.includes('worker ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker process did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output, exited };
}

/** kill -9, as a platform that loses a worker does: the process ends by the signal, without an exit code. */
export async function killHard(worker: WorkerChild): Promise<void> {
  worker.child.kill('SIGKILL');
  assert.equal(await worker.exited, null);
}

/** Runs `work` while another worker process (`extra`: its environment) drains the queues; stops it after (SIGTERM). */
export async function withWorkerProcess<T>(config: Config, extra: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const worker = await startWorkerProcess(config, extra);
  try {
    return await work();
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
}

/** Starts `src/server.ts` (the web process, Procfile `web:`) on a free port and waits until it listens. */
export async function startWebProcess(config: Config, extra: Record<string, string> = {}): Promise<WorkerChild & { url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: envFor(config, { PORT: '0', ...extra }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Generous: under load (several test runs on two cores) tsx takes tens of seconds to load the process.
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (!(url = /"url":"(http:\/\/[^"]+)","msg":"web listening"/.exec(output)?.[1])) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`web process did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output, exited, url };
}
