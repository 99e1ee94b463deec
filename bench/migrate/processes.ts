// The child processes of the migration benchmark: an in-memory pouchdb-server, the emulator (`dms emulator`),
// DMS worker processes (workers/index.ts, as `npm run start:worker` runs it) and the jsforce floor script.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child { proc: ChildProcess; output(): string }

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Keep only the tail: worker logs over a long run would otherwise grow without bound.
  const take = (d: Buffer) => { output = (output + d.toString()).slice(-20_000); };
  proc.stdout?.on('data', take);
  proc.stderr?.on('data', take);
  return { proc, output: () => output };
}

async function until(child: Child, ready: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await ready())) {
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      child.proc.kill('SIGKILL');
      throw new Error(`${what} did not start:\n${child.output()}`);
    }
    await sleep(50);
  }
}

const answers = async (url: string) => fetch(url).then((r) => r.ok, () => false);

export async function startCouch(): Promise<Child & { url: string }> {
  const bin = createRequire(import.meta.url).resolve('pouchdb-server/bin/pouchdb-server');
  const port = await freePort();
  const child = start([bin, '--in-memory', '--host', '127.0.0.1', '--port', String(port), '-n']);
  const url = `http://127.0.0.1:${port}/`;
  await until(child, () => answers(url), 'pouchdb-server');
  return { ...child, url };
}

export async function startEmulatorProcess(): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = start(['--import', 'tsx', 'src/cli/index.ts', 'emulator', '--port', String(port), '--inspect']);
  const url = `http://127.0.0.1:${port}`;
  await until(child, () => child.output().includes('listening on'), 'emulator');
  return { ...child, url };
}

/** Where `compileWorkers` puts the compiled project (bench/out is git-ignored; dist/ is left to `npm run build`). */
export const COMPILED_DIR = 'bench/out/dist';

/** Compiles src/ and workers/ as `npm run build` does, into COMPILED_DIR. */
export function compileWorkers(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', COMPILED_DIR], { stdio: 'inherit' });
}

/**
 * A worker process: compiled JavaScript as the Procfile's `worker: node dist/workers/index.js` runs it, or
 * `workers/index.ts` through tsx (`compiled` false). `nodeArgs`: extra node flags, e.g. ['--cpu-prof'].
 */
export async function startWorkerProcess(env: Record<string, string>, options: { compiled: boolean; nodeArgs?: string[] }): Promise<Child> {
  const entry = options.compiled ? [`${COMPILED_DIR}/workers/index.js`] : ['--import', 'tsx', 'workers/index.ts'];
  const child = start([...(options.nodeArgs ?? []), ...entry], { ...process.env, ...env });
  await until(child, () => child.output().includes('worker ready'), 'worker');
  return child;
}

/** Runs a script to its end and returns the last JSON line it printed. */
export async function runScript(args: string[]): Promise<Record<string, number>> {
  const child = start(['--import', 'tsx', ...args]);
  const code = await new Promise<number | null>((resolve) => child.proc.once('exit', resolve));
  const line = child.output().trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (code !== 0 || !line) throw new Error(`${args.join(' ')} exited with ${code}:\n${child.output()}`);
  return JSON.parse(line) as Record<string, number>;
}

/** Resident memory of a live process now (VmRSS) and at its peak so far (VmHWM), in MB. */
export function rssMb(pid: number | undefined): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) a live process has used so far, in seconds. */
export function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

export async function stop(child: Child | undefined): Promise<void> {
  if (!child || child.proc.exitCode !== null) return;
  const exited = new Promise((resolve) => child.proc.once('exit', resolve));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
