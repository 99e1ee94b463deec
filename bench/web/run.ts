// bench/web: requests/s and p99 of the pages operators poll, at 200 connections, against the web process
// (a child, as in production) with a signed-in session. Baseline: a static file, measured in the same run.
// Usage: node --import tsx bench/web/run.ts [--duration 10] [--runs 3] [--migration ID]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../../src/config.js';
import { connectServices } from '../../src/services.js';
import { startEmbeddedCouch, freePort } from '../../src/embedded/index.js';
import { createSession, createUser } from '../../src/auth/index.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' }, migration: { type: 'string' } } });
const duration = Number(values.duration);
const runs = Number(values.runs);

const couch = await startEmbeddedCouch('memory');
const env = {
  NODE_ENV: 'production',
  SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
  LOG_LEVEL: 'warn',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  COUCHDB_URL: couch.url,
  COUCHDB_DB_PREFIX: `benchweb${Date.now()}_`,
  QUEUE_PREFIX: `bench-web-${Date.now()}`,
};
const config = loadConfig({ ...env, PATH: process.env.PATH });
const services = await connectServices(config);
await createUser(services, { username: 'bench', password: 'bench-password', role: 'operator' }, 'bench');
const session = await createSession(services, { username: 'bench', role: 'operator' });
const cookie = `dms_session=${session.id}`;

const port = await freePort();
const web = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 200 && !(await fetch(`${base}/readyz`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));

const targets: { name: string; path: string; auth: boolean }[] = [
  { name: 'baseline: static file', path: '/public/css/app.css', auth: false },
  { name: 'session check + JSON (/api/v1/connections)', path: '/api/v1/connections', auth: true },
  { name: 'dashboard JSON', path: '/api/v1/dashboard', auth: true },
  ...(values.migration
    ? [
        { name: 'migration status JSON', path: `/api/v1/migrations/${values.migration}`, auth: true },
        { name: 'live migration page (first paint)', path: `/migrations/${values.migration}`, auth: true },
      ]
    : []),
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const rows: string[] = [];
let baselineRps = 0;
for (const target of targets) {
  const rps: number[] = [];
  const p99: number[] = [];
  let errors = 0;
  for (let i = 0; i < runs; i++) {
    const result = await autocannon({ url: `${base}${target.path}`, connections: 200, duration, headers: target.auth ? { cookie } : {} });
    rps.push(result.requests.average);
    p99.push(result.latency.p99);
    errors += result.non2xx + result.errors;
  }
  if (baselineRps === 0) baselineRps = median(rps);
  rows.push(`| ${target.name} | \`${target.path}\` | ${Math.round(median(rps))} | ${median(p99)} | ${(median(rps) / baselineRps).toFixed(2)} | ${errors} |`);
  process.stdout.write(`${rows.at(-1)}\n`);
}

const table = [
  '# bench/web results',
  '',
  `200 connections, ${runs} runs of ${duration} s each (medians), web process NODE_ENV=production LOG_LEVEL=warn, signed-in session cookie; machine: 2 cores shared with the bench client.`,
  '',
  '| target | path | requests/s | p99 ms | ratio to baseline | non-2xx + errors |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n');
writeFileSync('bench/web/RESULTS.md', table);
web.kill('SIGTERM');
await new Promise((r) => web.once('exit', r));
const keys = await services.redis.keys(`${env.QUEUE_PREFIX}:*`);
if (keys.length > 0) await services.redis.del(...keys);
await services.close();
await couch.stop();
