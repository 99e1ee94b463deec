// The processes of an upload bench run, started as in production: pouchdb-server on disk exactly as `npm start`
// embeds it (src/embedded), and the BUILT web and worker entries with the Procfile's flags, so no TypeScript loader
// is counted in their speed or memory.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startEmbeddedCouch } from '../../src/embedded/index.js';
import { commandParts, procfileEntries } from '../../src/cli/procfile.js';

export interface Proc {
  name: string;
  /** Read at each use: the embedded pouchdb-server gets a new one if it is restarted. */
  readonly pid?: number;
  stop(): Promise<void>;
}

export type ProcfileProcess = 'web' | 'worker' | 'parser';

/**
 * A Procfile process's command: its leading `NAME=value` settings and the node flags and built entry after `node`
 * (`parser: WORKER_QUEUES=datasets node dist/workers/index.js`).
 */
export function procfileCommand(name: ProcfileProcess): { env: Record<string, string>; args: string[] } {
  const { env, program, args } = commandParts(procfileEntries().get(name) ?? '');
  if (program !== 'node' || args.length === 0) throw new Error(`Procfile has no "${name}: [NAME=value ...] node ..." line`);
  return { env, args };
}

/**
 * Starts a Procfile process exactly as the Procfile does (its settings, node flags and built entry) and resolves
 * with the first JSON log line whose msg is `readyMsg`.
 */
export function startProcfileProcess(name: ProcfileProcess, env: NodeJS.ProcessEnv, readyMsg: string): Promise<Proc & { line: Record<string, unknown> }> {
  const command = procfileCommand(name);
  // BENCH_PROFILE=1 writes a CPU profile of each process to bench/out/prof-<name>/ when it exits (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=bench/out/prof-${name}`] : [];
  const proc = spawn(process.execPath, [...profile, ...command.args], { env: { ...env, ...command.env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      const lines = (out + d.toString()).split('\n');
      out = lines.pop() ?? '';
      for (const text of lines) {
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line.level === 'error' || line.level === 'fatal' || (typeof line.level === 'number' && line.level >= 50)) process.stderr.write(`${name}: ${text}\n`);
        if (line.msg !== readyMsg) continue;
        proc.stdout?.off('data', onData);
        proc.stdout?.resume();
        resolve({ name, pid: proc.pid, stop, line });
        return;
      }
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

export async function stopAll(procs: Proc[]): Promise<void> {
  await Promise.all(procs.map((proc) => proc.stop()));
}

/**
 * A bench's stack before its DMS processes: an embedded pouchdb-server on disk under bench/out/<name>-couch-<id>, and
 * the environment for the processes (their own CouchDB and queue prefixes, an admin user `bench` with `auth`).
 */
export async function startBenchCouch(name: string): Promise<{ id: string; couch: Proc; couchDir: string; auth: string; env: NodeJS.ProcessEnv & { REDIS_URL: string } }> {
  const id = randomBytes(4).toString('hex');
  const couchDir = `bench/out/${name}-couch-${id}`;
  const couch = await startEmbeddedCouch(couchDir);
  const password = randomBytes(12).toString('hex');
  const env = {
    ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', COUCHDB_URL: couch.url, COUCHDB_DB_PREFIX: `b${id}_`, QUEUE_PREFIX: `bench-${id}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', SECRET_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(16).toString('hex'),
    DMS_ADMIN_USER: 'bench', DMS_ADMIN_PASSWORD: password,
  };
  return { id, couch, couchDir, auth: `Basic ${Buffer.from(`bench:${password}`).toString('base64')}`, env };
}
