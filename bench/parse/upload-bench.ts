// From upload to a ready dataset: POST a CSV to a real web process, a real worker process parses it into
// CouchDB chunks; measures MB/s from the first byte sent to status ready and the peak RSS of every process
// (web, worker, and the CouchDB-compatible server). Baseline in the same run: the reader + profiler alone
// over the local file (bench/parse/measure.ts dms), i.e. the same parse without HTTP, blobs and chunk storage.
// Needs Redis at REDIS_URL (default 127.0.0.1:6379); starts its own pouchdb-server on disk under bench/out/.
// Usage: node --import tsx bench/parse/upload-bench.ts [rows=1000000] [runs=3]
//        (internally also: upload-bench.ts web|worker, the child processes)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateCsv } from './generate.js';

const role = process.argv[2];
if (role === 'web' || role === 'worker') await child(role);
else await main();

/** A web or worker process like `npm run start:web|start:worker`, reporting what the parent needs on stdout. */
async function child(kind: 'web' | 'worker'): Promise<void> {
  const { loadConfig } = await import('../../src/config.js');
  const { connectServices } = await import('../../src/services.js');
  const config = loadConfig();
  const services = await connectServices(config);
  if (kind === 'worker') {
    const { startWorkers } = await import('../../workers/runtime.js');
    startWorkers(services);
    console.log(JSON.stringify({ ready: true }));
    return;
  }
  const { createApp } = await import('../../src/app.js');
  const { createUser, createSession, SESSION_COOKIE } = await import('../../src/auth/index.js');
  const username = `bench-${randomBytes(3).toString('hex')}`;
  await createUser(services, { username, password: randomBytes(12).toString('hex'), role: 'operator' }, 'bench');
  const session = await createSession(services, { username, role: 'operator' });
  const server = createApp(services).listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ port, cookie: `${SESSION_COOKIE}=${session.id}`, csrf: session.data.csrf }));
  });
}

function peakRssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function firstLine(proc: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"'));
      if (line) resolve(JSON.parse(line));
    });
    proc.once('exit', (code) => reject(new Error(`child exited with ${code}: ${out}`)));
  });
}

async function startCouch(dir: string): Promise<{ proc: ChildProcess; url: string }> {
  const bin = createRequire(import.meta.url).resolve('pouchdb-server/bin/pouchdb-server');
  const port = 20000 + Math.floor(Math.random() * 20000);
  mkdirSync(dir, { recursive: true });
  const proc = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', String(port), '--dir', dir, '--no-stdout-logs'], { cwd: dir, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return { proc, url };
    } catch {
      await sleep(100);
    }
  }
  throw new Error('pouchdb-server did not start');
}

interface Run { seconds: number; uploadSeconds: number; mbPerSecond: number; webRss: number; workerRss: number; couchRss: number; rows: number }

async function oneRun(file: string): Promise<Run> {
  const id = randomBytes(4).toString('hex');
  const couchDir = `bench/out/upload-couch-${id}`;
  const couch = await startCouch(couchDir);
  const env = {
    ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', COUCHDB_URL: couch.url, COUCHDB_DB_PREFIX: `b${id}_`, QUEUE_PREFIX: `bench-${id}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', SECRET_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(16).toString('hex'),
  };
  const spawnRole = (kind: string) => spawn(process.execPath, ['--import', 'tsx', 'bench/parse/upload-bench.ts', kind], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const web = spawnRole('web');
  const worker = spawnRole('worker');
  try {
    const [info] = await Promise.all([firstLine(web), firstLine(worker)]);
    const headers = { cookie: String(info.cookie), 'x-csrf-token': String(info.csrf) };
    const size = statSync(file).size;
    const boundary = `bench${id}`;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.csv"\r\nContent-Type: text/csv\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const started = performance.now();
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(info.port), method: 'POST', path: '/api/v1/datasets',
        headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length) } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => (res.statusCode === 202 ? resolve(text) : reject(new Error(`upload answered ${res.statusCode}: ${text}`))));
      });
      req.on('error', reject);
      req.write(head);
      const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
      stream.pipe(req, { end: false });
      stream.on('end', () => req.end(tail));
    });
    const uploadSeconds = (performance.now() - started) / 1000;
    const datasetUrl = `http://127.0.0.1:${info.port}/api/v1/datasets/${(JSON.parse(body) as { id: string }).id}`;
    for (;;) {
      const dataset = (await (await fetch(datasetUrl, { headers })).json()) as { status: string; rowCount: number; error?: unknown };
      if (dataset.status === 'failed') throw new Error(`parse failed: ${JSON.stringify(dataset.error)}`);
      if (dataset.status === 'ready') {
        const seconds = (performance.now() - started) / 1000;
        return { seconds, uploadSeconds, mbPerSecond: size / 1e6 / seconds, webRss: peakRssMb(web.pid), workerRss: peakRssMb(worker.pid), couchRss: peakRssMb(couch.proc.pid), rows: dataset.rowCount };
      }
      await sleep(100);
    }
  } finally {
    web.kill('SIGTERM');
    worker.kill('SIGTERM');
    couch.proc.kill('SIGTERM');
    await sleep(500);
    rmSync(couchDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const runs = Number(process.argv[3] ?? 3);
  const file = `bench/out/parse-${rows}.csv`;
  if (!existsSync(file)) await generateCsv(rows, file);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const results: Run[] = [];
  const baseline: { mbPerSecond: number; peakRssMb: number }[] = [];
  for (let run = 0; run < runs; run++) {
    baseline.push(JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/parse/measure.ts', 'dms', file], { encoding: 'utf8' })));
    results.push(await oneRun(file));
    console.error(`run ${run + 1}: ${JSON.stringify(results.at(-1))}`);
  }
  const m = (pick: (r: Run) => number) => median(results.map(pick));
  const sizeMb = statSync(file).size / 1e6;
  const speed = m((r) => r.mbPerSecond);
  const base = median(baseline.map((b) => b.mbPerSecond));
  const rss = Math.max(m((r) => r.webRss), m((r) => r.workerRss), m((r) => r.couchRss));
  const report = `
## From upload to a ready dataset (bench/parse/upload-bench.ts)

Generated by \`node --import tsx bench/parse/upload-bench.ts ${rows} ${runs}\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version},
shared 2-core machine, medians of ${runs} runs). A ${sizeMb.toFixed(0)} MB CSV (${rows.toLocaleString('en')} rows x 8 columns, bench/parse/generate.ts)
is POSTed as multipart to a web process; a worker process parses it; both use Redis and a pouchdb-server on local disk (the embedded
default of \`npm start\`), each a separate process. Time runs from the first byte sent to status ready.

| measure | value |
|---|---|
| upload, first byte to 202 (s) | ${m((r) => r.uploadSeconds).toFixed(2)} |
| first byte to ready (s) | ${m((r) => r.seconds).toFixed(2)} |
| end to end MB/s | ${speed.toFixed(1)} |
| baseline: reader + profile alone on the local file, same run (MB/s) | ${base.toFixed(1)} |
| end to end / baseline | ${(speed / base).toFixed(2)}x |
| peak RSS web / worker / pouchdb-server (MB) | ${m((r) => r.webRss).toFixed(0)} / ${m((r) => r.workerRss).toFixed(0)} / ${m((r) => r.couchRss).toFixed(0)} |

- Target >= 30 MB/s end to end: **${speed >= 30 ? 'met' : 'NOT met'}**; peak RSS of any process <= 300 MB: **${rss <= 300 ? 'met' : 'NOT met'}** (${rss.toFixed(0)} MB).
`;
  writeFileSync('bench/parse/UPLOAD-RESULTS.md', report);
  console.log(report);
  process.exit(0);
}
