// Long rows as users meet them (bench/long-rows/generate.ts): `npm start` (the built CLI, a fresh data folder, the
// embedded Redis, CouchDB-compatible server and Local org), each file uploaded through the HTTP API, an upsert on
// External_Id__c through Bulk API 2.0 started once the dataset is ready, polled to its end. Three scenarios in one
// `npm start`: 3,000 rows of 15,000 characters inserted (every description then read back from the Local org and
// compared), the same file upserted again (every row an update: the records it replaces are read first), and 3,000
// rows of 31,000 characters that Salesforce refuses (Description holds 32,000 UTF-16 units; the emoji take two).
// Then a transfer (the transfers process, 160 MB heap) from a Redis Stream of 3,000 entries of 25,000 characters into a
// new dataset, every entry read back through the rows API and compared.
// The RSS of every process is sampled throughout each scenario; target: no process above 512 MB.
// Usage: node --import tsx bench/long-rows/run.ts   (writes bench/long-rows/RESULTS.md)
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { api, datasetRows, startForBench, transferEnd, BUILT_DIR } from '../e2e/dms-start.js';
import { sampleTree, type TreeMemory } from '../e2e/process-tree.js';
import { postDataset } from '../support/upload.js';
import { generate, rowsOf } from './generate.js';

interface Scenario { name: string; tag: string; chars: number; expect: 'created' | 'updated' | 'refused' }
const ROWS = 3000;
const SCENARIOS: Scenario[] = [
  { name: 'insert, 15,000 characters a row', tag: 'lr', chars: 15_000, expect: 'created' },
  { name: 'the same upserted again (updates)', tag: 'lr', chars: 15_000, expect: 'updated' },
  { name: '31,000 characters a row, refused', tag: 'lrx', chars: 31_000, expect: 'refused' },
];

interface RunView { migration: { id: string; state: string; batchCount: number; error?: unknown }; totals: { succeeded: number; failed: number; created: number } }
interface Outcome { scenario: Pick<Scenario, 'name'>; mb: number; chunks: number; batches: number; parseSeconds?: number; runSeconds: number; totals: RunView['totals']; checked: string; peaks: TreeMemory[] }

const sha = (text: string) => createHash('sha256').update(text).digest('hex');


/** ext -> sha256 of the Local org's Description, for the records whose ext starts with `tag-`. */
async function orgDescriptions(orgUrl: string, tag: string): Promise<Map<string, string>> {
  const form = new URLSearchParams({ grant_type: 'password', client_id: 'dms-local', client_secret: 'dms-local-secret', username: 'admin@local.org', password: 'password' });
  const { access_token: token } = await (await fetch(`${orgUrl}/services/oauth2/token`, { method: 'POST', body: form })).json() as { access_token: string };
  const map = new Map<string, string>();
  let next: string | undefined = `/services/data/v60.0/query?q=${encodeURIComponent(`SELECT External_Id__c, Description FROM Account WHERE External_Id__c LIKE '${tag}-%'`)}`;
  while (next) {
    const page = await (await fetch(orgUrl + next, { headers: { authorization: `Bearer ${token}` } })).json() as { records: { External_Id__c: string; Description: string }[]; done: boolean; nextRecordsUrl?: string };
    for (const r of page.records) map.set(r.External_Id__c, sha(r.Description));
    next = page.done ? undefined : page.nextRecordsUrl;
  }
  return map;
}

async function runScenario(url: string, auth: string, rootPid: number, orgUrl: string, scenario: Scenario): Promise<Outcome> {
  const file = await generate(scenario.tag, ROWS, scenario.chars);
  const memory = sampleTree(rootPid);
  const started = performance.now();
  const dataset = JSON.parse(await postDataset(Number(new URL(url).port), auth, file, `lr${randomBytes(6).toString('hex')}`)) as { id: string };
  let ready: { status: string; chunkCount: number; error?: unknown };
  while ((ready = await api(url, auth, 'GET', `/api/v1/datasets/${dataset.id}`)).status !== 'ready') {
    if (ready.status === 'failed') throw new Error(`the parse failed: ${JSON.stringify(ready.error)}`);
    await sleep(200);
  }
  const parseSeconds = (performance.now() - started) / 1000;
  const mapping = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }, { column: 'description', field: 'Description' }] };
  const request = { connectionId: 'local', datasetId: dataset.id, object: 'Account', operation: 'upsert', externalIdField: 'External_Id__c', template: { mapping }, options: { apiMode: 'bulk' } };
  const { migration } = await api<RunView>(url, auth, 'POST', '/api/v1/migrations', request);
  await api(url, auth, 'POST', `/api/v1/migrations/${migration.id}/start`, {});
  let view: RunView;
  while (!['completed', 'failed', 'cancelled'].includes((view = await api<RunView>(url, auth, 'GET', `/api/v1/migrations/${migration.id}`)).migration.state)) await sleep(250);
  const runSeconds = (performance.now() - started) / 1000 - parseSeconds;
  const peaks = await memory.stop();
  const { totals } = view;
  const expected = { created: [ROWS, 0, ROWS], updated: [ROWS, 0, 0], refused: [0, ROWS, 0] }[scenario.expect];
  if (view.migration.state !== 'completed' || totals.succeeded !== expected[0] || totals.failed !== expected[1] || totals.created !== expected[2]) {
    throw new Error(`${scenario.name}: ended ${view.migration.state} with ${JSON.stringify(totals)} ${JSON.stringify(view.migration.error ?? '')}`);
  }
  let checked = `${totals.failed} refused`;
  if (scenario.expect !== 'refused') {
    // Against the generator's own text, not the file read back by any CSV parser.
    const want = new Map([...rowsOf(scenario.tag, ROWS, scenario.chars)].map(([ext, text]) => [ext, sha(text)]));
    const got = await orgDescriptions(orgUrl, scenario.tag);
    const wrong = [...want].filter(([ext, hash]) => got.get(ext) !== hash).length;
    if (wrong > 0 || got.size !== want.size) throw new Error(`${scenario.name}: ${wrong} descriptions differ, ${got.size} records for ${want.size} rows`);
    checked = `${got.size} descriptions equal`;
  }
  return { scenario, mb: statSync(file).size / 1e6, chunks: ready.chunkCount, batches: view.migration.batchCount, parseSeconds, runSeconds, totals, checked, peaks };
}

const STREAM_CHARS = 25_000;

interface TransferView { status: string; counts: { recordsOut: number; batches: number }; target: { datasetId: string }; error?: unknown }

/** 3,000 stream entries `ext`, `body` (the generator's text) through a transfer into a new dataset, read back and compared. */
async function runTransfer(url: string, auth: string, rootPid: number, redisUrl: string): Promise<Outcome> {
  const scenario = { name: `a stream of ${ROWS.toLocaleString('en-US')} entries of ${STREAM_CHARS.toLocaleString('en-US')} characters into a dataset` };
  const stream = `long-rows-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(redisUrl);
  const want = new Map<string, string>();
  let bytes = 0;
  try {
    for (const [ext, text] of rowsOf('lrs', ROWS, STREAM_CHARS)) {
      want.set(ext, sha(text));
      bytes += Buffer.byteLength(text);
      await redis.xadd(stream, '*', 'ext', ext, 'body', text);
    }
  } finally {
    redis.disconnect();
  }
  const memory = sampleTree(rootPid);
  const started = performance.now();
  const request = { name: stream, source: { kind: 'redis-stream', stream, group: 'bench' }, target: { kind: 'dataset', name: stream }, batchSize: 100, mode: 'once' };
  const { id } = await api<{ id: string }>(url, auth, 'POST', '/api/v1/transfers', request);
  const view = await transferEnd<TransferView>(url, auth, id, 250);
  const runSeconds = (performance.now() - started) / 1000;
  const peaks = await memory.stop();
  if (view.status !== 'completed' || view.counts.recordsOut !== ROWS) throw new Error(`${scenario.name}: ended ${view.status}, ${JSON.stringify(view.counts)} ${JSON.stringify(view.error ?? '')}`);
  const dataset = await api<{ rowCount: number; chunkCount: number; columns: string[] }>(url, auth, 'GET', `/api/v1/datasets/${view.target.datasetId}`);
  let equal = 0;
  for await (const row of datasetRows(url, auth, view.target.datasetId, dataset.rowCount)) {
    if (want.get(row[dataset.columns.indexOf('ext')]) === sha(row[dataset.columns.indexOf('body')])) equal++;
  }
  if (equal !== ROWS || dataset.rowCount !== ROWS) throw new Error(`${scenario.name}: ${equal} of ${ROWS} entries read back equal, ${dataset.rowCount} rows`);
  const totals = { succeeded: view.counts.recordsOut, failed: 0, created: view.counts.recordsOut };
  return { scenario, mb: bytes / 1e6, chunks: dataset.chunkCount, batches: view.counts.batches, runSeconds, totals, checked: `${equal} entries equal`, peaks };
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', BUILT_DIR], { stdio: 'inherit' });
  const { dms, auth, redisUrl, orgUrl, close } = await startForBench('dms-long-rows-');
  const outcomes: Outcome[] = [];
  let idle: TreeMemory[] = [];
  try {
    const idleSample = sampleTree(dms.pid);
    await sleep(2000);
    idle = await idleSample.stop();
    for (const scenario of SCENARIOS) {
      const outcome = await runScenario(dms.url, auth, dms.pid, orgUrl, scenario);
      outcomes.push(outcome);
      console.error(JSON.stringify({ ...outcome, scenario: scenario.name, peaks: outcome.peaks.map((p) => `${p.label} ${p.peakMb.toFixed(0)}`) }));
    }
    outcomes.push(await runTransfer(dms.url, auth, dms.pid, redisUrl));
  } finally {
    await close();
  }
  const labels = [...new Set(idle.map((p) => p.label))].sort();
  const peakOf = (peaks: TreeMemory[], label: string) => Math.max(0, ...peaks.filter((p) => p.label === label).map((p) => p.peakMb));
  const largest = Math.max(...outcomes.flatMap((o) => o.peaks.map((p) => p.peakMb)));
  const report = `# Long rows as users run them: peak RSS of every process (bench/long-rows)

Generated by \`node --import tsx bench/long-rows/run.ts\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, shared 2-core machine).
One \`npm start\` (built CLI, fresh data folder, embedded Redis, CouchDB-compatible server and Local org); each file
uploaded through the API, then an upsert on External_Id__c through Bulk API 2.0 started once the dataset is ready;
then a transfer (batches of 100) from a stream in the embedded Redis into a new dataset (MB: the entries' text).
Files: bench/long-rows/generate.ts (${ROWS.toLocaleString('en-US')} rows; descriptions of CJK, emoji, quotes, commas, CR and LF).
Peak RSS in MB over each scenario, with the ratio to the process's idle RSS before the first upload.

| scenario | MB | chunks | batches | parse s | run s | outcome | check |
|---|---|---|---|---|---|---|---|
${outcomes.map((o) => `| ${o.scenario.name} | ${o.mb.toFixed(0)} | ${o.chunks} | ${o.batches} | ${o.parseSeconds?.toFixed(1) ?? '-'} | ${o.runSeconds.toFixed(1)} | ${o.totals.succeeded} ok (${o.totals.created} created), ${o.totals.failed} failed | ${o.checked} |`).join('\n')}

| process | idle | ${outcomes.map((o) => o.scenario.name).join(' | ')} |
|---|---|${outcomes.map(() => '---').join('|')}|
${labels.map((label) => `| ${label} | ${peakOf(idle, label).toFixed(0)} | ${outcomes.map((o) => `${peakOf(o.peaks, label).toFixed(0)} (${(peakOf(o.peaks, label) / Math.max(1, peakOf(idle, label))).toFixed(1)}x)`).join(' | ')} |`).join('\n')}

- **Largest peak RSS: ${largest.toFixed(0)} MB** (target: no process above 512 MB: ${largest <= 512 ? 'met' : 'NOT met'}).
`;
  writeFileSync('bench/long-rows/RESULTS.md', report);
  console.log(report);
}

await main();
