// Where the CPU goes from upload to ready as `npm start` runs it (issue 18): the built `dms start` under
// `node --cpu-prof` (its children inherit the flag: web, worker, parser, Local org), one CSV POSTed through the API,
// stopped with Ctrl+C once the dataset is ready; then each process's profile summed by function and by package.
// `--run`: the whole upload-and-run of bench/e2e/run.ts instead (upload to `completed`, a migration following the parse).
// Usage: node --import tsx bench/e2e/profile-upload.ts [rows=1000000] [--run]   (build first: bench/e2e/run.ts builds)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultPath, generate } from '../migrate/generate.js';
import { postDataset } from '../support/upload.js';
import { api, dmsStartRun, startForBench } from './dms-start.js';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

const wholeRun = process.argv.includes('--run');
const rows = Number(process.argv.slice(2).find((a) => a !== '--run') ?? 1_000_000);
const file = defaultPath(rows);
if (!existsSync(file)) await generate(rows, file);
const dir = resolve('bench/out/e2e-profiles');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const profiling = ['--cpu-prof', `--cpu-prof-dir=${dir}`];

/** Upload to ready, no run: seconds, and the processes' names by pid. */
async function uploadOnly(): Promise<{ seconds: number; pids: Map<string, string> }> {
  const { dms, auth, close } = await startForBench('dms-prof-', profiling);
  const pids = new Map([...dms.output().matchAll(/(web|worker|parser|Local org|redis-server|CouchDB[^ ]*) (\d+)/g)].map((m) => [m[2], m[1]]));
  let seconds = 0;
  try {
    const started = performance.now();
    const dataset = JSON.parse(await postDataset(Number(new URL(dms.url).port), auth, file, `p${randomBytes(6).toString('hex')}`)) as { id: string };
    while ((await api<{ status: string }>(dms.url, auth, 'GET', `/api/v1/datasets/${dataset.id}`)).status !== 'ready') await sleep(100);
    seconds = (performance.now() - started) / 1000;
  } finally {
    await close();
  }
  return { seconds, pids };
}

async function wholeUploadAndRun(): Promise<{ seconds: number; pids: Map<string, string> }> {
  // No reconciliation after it: the worker stops at once and writes its profile.
  const run = await dmsStartRun(file, rows, { nodeArgs: profiling, runOptions: { reconcile: false } });
  for (const line of run.phases.lines()) console.log(`  ${line}`);
  return { seconds: run.seconds, pids: new Map(run.processes.map((p) => [String(p.pid), p.label])) };
}

const { seconds, pids } = wholeRun ? await wholeUploadAndRun() : await uploadOnly();

const packageOf = (url: string) => {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return 'node internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  return /\/(src|workers)\//.test(url) ? `dms ${/\/((?:src|workers)\/[^/]+)/.exec(url)?.[1]}` : url;
};
const sizeMb = readFileSync(file).length / 1e6;
console.log(`upload to ${wholeRun ? 'completed' : 'ready'}: ${seconds.toFixed(2)} s, ${(sizeMb / seconds).toFixed(1)} MB/s (${sizeMb.toFixed(1)} MB)`);
for (const name of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Profile;
  const pid = /\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(name)?.[1] ?? '?';
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (node.callFrame.functionName === '(idle)') continue;
    busy += ms;
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const pkg = node.callFrame.url === '' ? node.callFrame.functionName : packageOf(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `    ${(v / 1000).toFixed(2)} s  ${k}`).join('\n');
  console.log(`\n${pids.get(pid) ?? 'process'} ${pid}: ${(busy / 1000).toFixed(2)} CPU-s busy of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
  console.log(`  by package:\n${top(byPackage, 10)}\n  by function:\n${top(byFunction, 18)}`);
}
