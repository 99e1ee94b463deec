// One measured DMS run the way a user lives it: `npm start` (the built CLI, a fresh data folder, free ports, the
// embedded Redis, CouchDB-compatible server and Local org), the CSV uploaded through the HTTP API as the browser's form
// does, an insert migration into the Local org created and started at once (it follows the parse), timed from the first byte of the upload to
// `completed` with every row's result counted. The RSS of every process of the tree is sampled throughout.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { COLUMNS } from '../migrate/generate.js';
import { postDataset } from '../support/upload.js';
import { datasetReady, watchRun } from './live-watch.js';
import { PhaseClock, type RunView } from './phases.js';
import { sampleTree, type TreeMemory } from './process-tree.js';

/** The project built as `npm run build` does, into a folder of the bench's own (dist/ stays free for development). */
export const BUILT_DIR = 'bench/out/e2e-dist';
export const BUILT_CLI = `${BUILT_DIR}/src/cli/index.js`;
/** The CLI of a build in `dir` (an A/B run compares two builds). */
const builtCli = (dir: string) => `${dir}/src/cli/index.js`;

export interface DmsStartRun {
  /** First byte of the upload to the migration `completed`. */
  seconds: number;
  /** First byte of the upload to the dataset `ready`. */
  uploadToReady: number;
  /** `npm start` until its banner (not in `seconds`). */
  startSeconds: number;
  succeeded: number;
  processes: TreeMemory[];
  /** When each phase was first seen (seconds from the first byte of the upload). */
  phases: PhaseClock;
  /** The processes' figures when the dataset was ready (CPU seconds up to then). */
  atReady: TreeMemory[];
}

interface Started { url: string; stop(): Promise<void>; pid: number; output(): string }

/** The built `dms start`, as `npm start` runs it after its build, in a process group of its own (a terminal's). */
export async function npmStart(
  dataDir: string, admin: { user: string; password: string }, nodeArgs: string[] = [], builtDir = BUILT_DIR, workerProcesses = 1,
): Promise<Started> {
  // No NODE_ENV: `npm start` as a user runs it (development; its HTTP Basic lets the bench make an API token).
  const env = {
    PATH: process.env.PATH ?? '', HOME: dataDir, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DMS_ADMIN_USER: admin.user, DMS_ADMIN_PASSWORD: admin.password, WORKER_PROCESSES: String(workerProcesses),
    // BENCH_NODE_OPTIONS: flags for every Node process of the tree, the embedded CouchDB-compatible server included
    // (Node refuses --cpu-prof there: `--import=<file>` of a script that starts node:inspector's Profiler does it; nodeArgs
    // reach only the processes `dms start` starts itself).
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    // WORKER_BATCH_CONCURRENCY: a worker process's batches at once (8 by default), for runs of more at once (`--concurrency`);
    // WORKER_CONCURRENCY: its other jobs at once.
    ...Object.fromEntries(['WORKER_BATCH_CONCURRENCY', 'WORKER_CONCURRENCY'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))),
  };
  const child = spawn(process.execPath, [...nodeArgs, builtCli(builtDir), 'start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // BENCH_OUTPUT=<file>: every process's output kept whole (with BENCH_LOG_LEVEL=info, the batches' log lines; with a
  // build whose Procfile gives the worker --trace-gc-nvp, its collections).
  const take = (d: Buffer) => {
    output = (output + d.toString()).slice(-50_000);
    if (process.env.BENCH_OUTPUT) appendFileSync(process.env.BENCH_OUTPUT, d);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  let url: string | undefined;
  while (!(url = /DMS is running at (\S+)/.exec(output)?.[1])) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
      throw new Error(`npm start did not come up:\n${output.slice(-5000)}`);
    }
    await sleep(100);
  }
  return {
    url, pid: child.pid as number, output: () => output,
    // Ctrl+C in the terminal: SIGINT to the whole foreground process group.
    async stop() {
      if (child.exitCode !== null) return;
      process.kill(-(child.pid as number), 'SIGINT');
      const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A started `npm start` with what a bench drives it by: an API token, its embedded Redis and its Local org. */
export interface BenchDms { dms: Started; auth: string; redisUrl: string; orgUrl: string; close(): Promise<void> }

/** A script's API token: a hash lookup per call, where HTTP Basic would cost a password check (scrypt) per poll. */
async function operatorToken(url: string, admin: { user: string; password: string }): Promise<string> {
  const basic = `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}`;
  const { token } = await api<{ token: string }>(url, basic, 'POST', '/api/v1/tokens', { name: 'bench', scope: 'operate' });
  return `Bearer ${token}`;
}

/**
 * `npm start` (the built CLI, `nodeArgs` for the processes it starts) in a fresh data folder, with an operator's API
 * token; close() stops it and removes the folder.
 */
export async function startForBench(prefix: string, nodeArgs: string[] = []): Promise<BenchDms> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const admin = { user: 'bench', password: randomBytes(12).toString('hex') };
  const dms = await npmStart(dataDir, admin, nodeArgs);
  const close = async () => {
    await dms.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const orgUrl = /Local org \(Salesforce emulator\): (\S+)/.exec(dms.output())?.[1];
    if (!orgUrl) throw new Error('no Local org URL in the banner');
    // The embedded Redis names its address in its process title (redis-server 127.0.0.1:<port>).
    const redisPort = /127\.0\.0\.1:(\d+)/.exec(execFileSync('pgrep', ['-a', '-P', String(dms.pid), 'redis-server'], { encoding: 'utf8' }))?.[1];
    if (!redisPort) throw new Error('no embedded redis-server under npm start');
    return { dms, auth: await operatorToken(dms.url, admin), redisUrl: `redis://127.0.0.1:${redisPort}`, orgUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A transfer's view, asked for every `everyMs` until it has ended (completed, failed or stopped). */
export async function transferEnd<V extends { status: string }>(base: string, auth: string, id: string, everyMs = 100): Promise<V> {
  for (;;) {
    const view = await api<V>(base, auth, 'GET', `/api/v1/transfers/${id}`);
    if (['completed', 'failed', 'stopped'].includes(view.status)) return view;
    await sleep(everyMs);
  }
}

/** Every row of a dataset through the rows API (pages of at most 1,000, the API's limit), in order. */
export async function* datasetRows(base: string, auth: string, datasetId: string, rowCount: number): AsyncGenerator<string[]> {
  for (let offset = 0; offset < rowCount; offset += 1000) {
    yield* (await api<{ rows: string[][] }>(base, auth, 'GET', `/api/v1/datasets/${datasetId}/rows?offset=${offset}&limit=1000`)).rows;
  }
}

export async function api<T>(base: string, auth: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(path, base), {
    method, headers: { authorization: auth, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 2000)}`);
  return JSON.parse(text) as T;
}

interface MigrationView extends RunView {
  migration: RunView['migration'] & { id: string; error?: unknown };
  totals: { rows: number; succeeded: number; failed: number };
}

/** Rows of the migration's success results CSV (after the timer: every row's result must be stored). */
async function resultLines(base: string, auth: string, id: string): Promise<number> {
  const res = await fetch(new URL(`/api/v1/migrations/${id}/results/success.csv`, base), { headers: { authorization: auth } });
  if (!res.ok || !res.body) throw new Error(`success results answered ${res.status}`);
  let newlines = 0;
  for await (const chunk of Readable.fromWeb(res.body as never) as AsyncIterable<Buffer>) for (const byte of chunk) if (byte === 10) newlines++;
  return newlines - 1;
}

export interface DmsStartOptions {
  /** false: the run is created once the dataset is ready (as before pipelining), for a same-hour comparison. */
  follow?: boolean;
  /** The build to start (default BUILT_DIR). */
  builtDir?: string;
  /** Node flags for `dms start` and its children (`--cpu-prof`). */
  nodeArgs?: string[];
  /** The run's options (MigrationOptions), e.g. `reconcile: false` so that the processes stop at once after it. */
  runOptions?: Record<string, unknown>;
  /** `dms start`'s WORKER_PROCESSES (default 1). */
  workerProcesses?: number;
}

export async function dmsStartRun(file: string, rows: number, { follow = true, builtDir, nodeArgs = [], runOptions, workerProcesses }: DmsStartOptions = {}): Promise<DmsStartRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dms-e2e-'));
  const admin = { user: 'bench', password: randomBytes(12).toString('hex') };
  const t0 = performance.now();
  const dms = await npmStart(dataDir, admin, nodeArgs, builtDir, workerProcesses);
  const startSeconds = (performance.now() - t0) / 1000;
  const memory = sampleTree(dms.pid);
  try {
    const auth = await operatorToken(dms.url, admin);
    const port = Number(new URL(dms.url).port);
    const started = performance.now();
    const phases = new PhaseClock(started);
    const dataset = JSON.parse(await postDataset(port, auth, file, `e2e${randomBytes(6).toString('hex')}`)) as { id: string };
    phases.mark('uploaded');
    // Upload and run: the migration is created as soon as the upload is answered and follows the parse (pipelining,
    // on by default); creating waits a few seconds for the columns, and says DATASET_COLUMNS_PENDING past that.
    const mapping = { object: 'Account', fields: COLUMNS.map((c) => ({ column: c, field: c })) };
    const request = { connectionId: 'local', datasetId: dataset.id, object: 'Account', operation: 'insert', template: { mapping }, options: runOptions };
    let uploadToReady = 0;
    let atReady: TreeMemory[] = [];
    const readyWatch = (async () => {
      await datasetReady(dms.url, auth, dataset.id).catch((error: Error) => {
        throw new Error(`${error.message}\n${dms.output().slice(-3000)}`);
      });
      uploadToReady = (performance.now() - started) / 1000;
      phases.mark('ready');
      atReady = memory.now();
    })();
    if (!follow) await readyWatch;
    let created: MigrationView | undefined;
    while (!created) {
      created = await api<MigrationView>(dms.url, auth, 'POST', '/api/v1/migrations', request).catch((error: Error) => {
        if (!error.message.includes('DATASET_COLUMNS_PENDING')) throw error;
        return undefined;
      });
    }
    phases.mark('created');
    const id = created.migration.id;
    await api(dms.url, auth, 'POST', `/api/v1/migrations/${id}/start`, {});
    const fetchStatus = () => api<MigrationView>(dms.url, auth, 'GET', `/api/v1/migrations/${id}`);
    const view = await watchRun(fetchStatus, new URL(`/api/v1/migrations/${id}/events`, dms.url), auth, phases);
    await readyWatch;
    const seconds = phases.at.completed ?? (performance.now() - started) / 1000;
    if (view.migration.state !== 'completed' || view.totals.succeeded !== rows) {
      throw new Error(`the migration ended ${view.migration.state} with ${view.totals.succeeded} of ${rows} rows: ${JSON.stringify(view.migration.error)}\n${dms.output().slice(-3000)}`);
    }
    const processes = await memory.stop();
    const results = await resultLines(dms.url, auth, id);
    if (results !== rows) throw new Error(`the success results hold ${results} rows, not ${rows}`);
    return { seconds, uploadToReady, startSeconds, succeeded: view.totals.succeeded, processes, phases, atReady };
  } finally {
    await memory.stop();
    await dms.stop();
    // BENCH_KEEP_DATA=1 keeps the data folder (its couch/log.txt lists every store request) and prints where it is.
    if (process.env.BENCH_KEEP_DATA) console.log(`data folder kept: ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }
}
