// Local org record-store benchmark (issue 18): loads N records (half Accounts x 8 fields, half Contacts x 9 fields)
// through Bulk 2.0 insert jobs over HTTP, then times describe, single-record CRUD, selective queries (Id, external
// id) and full-scan COUNT()s, Contact create and read, a REST query paged by nextRecordsUrl and a Bulk 2.0 query of
// every Contact, and reads the org process's RSS. The same run measures the store of an older commit
// (default: the last commit before the record file) at a size it holds, as the baseline.
// Old and new alternate `rounds` times at the baseline size (medians), then the new store loads `records` once.
// Last, one Bulk upsert job of `upsertRows` Accounts by External_Id__c (half of them existing) measures the org's
// peak RSS while it holds a large job's upload and results.
// Usage: [BENCH_ORG_NODE_ARGS=--max-old-space-size=160] node --import tsx bench/emulator/store-run.ts [records=10000000] [baselineRecords=1000000] [baselineRef=10cb3e8] [rounds=2] [upsertRows=1000000]
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountCsv, contactCsv, OrgClient } from './store-client.js';

const records = Number(process.argv[2] ?? 10_000_000);
const baselineRecords = Number(process.argv[3] ?? 1_000_000);
const baselineRef = process.argv[4] ?? '10cb3e8';
const rounds = Number(process.argv[5] ?? 2);
const upsertRows = Number(process.argv[6] ?? 1_000_000);
/** Rows per Bulk job: DMS sends batches of 10,000-150,000 rows a job. */
const JOB_ROWS = 200_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
/** User + system CPU milliseconds of process `pid` so far (clock ticks of 10 ms). */
const cpuMs = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((n, t) => n + Number(t) * 10, 0);
const statusKb = (pid: number, key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

function extractBaseline(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dms-store-baseline-'));
  execSync(`git archive ${baselineRef} src package.json tsconfig.json | tar -x -C ${dir}`);
  symlinkSync(realpathSync('node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Node flags for the record-file org (e.g. `--max-old-space-size=160`); the old store needs its default heap. */
const newOrgNodeArgs = (process.env.BENCH_ORG_NODE_ARGS ?? '').split(' ').filter(Boolean);

async function startOrg(root: string) {
  const nodeArgs = root === '.' ? newOrgNodeArgs : [];
  const args = [...nodeArgs, '--import', 'tsx', 'bench/emulator/store-org.ts', root];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  process.once('exit', () => child.kill('SIGTERM'));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`the org from ${root} ended: code ${code}, signal ${signal}`);
  });
  // Keep reading its stdout to the end: a pipe nobody reads would stall (or break) the org's log writes.
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', () => reject(new Error(`the org from ${root} did not start`)));
  });
  return { child, url };
}

async function load(org: OrgClient, pid: number, total: number): Promise<{ rates: number[]; perCpuSecond: number }> {
  const rates: number[] = [];
  const cpuStart = cpuMs(pid);
  const half = Math.floor(total / 2);
  for (let from = 0; from < half; from += JOB_ROWS) {
    const to = Math.min(half, from + JOB_ROWS);
    rates.push(await org.bulkLoad('Account', accountCsv(from, to), to - from));
    rates.push(await org.bulkLoad('Contact', contactCsv(from, to), to - from));
    if ((to / JOB_ROWS) % 5 === 0 || to === half) {
      console.log(`  loaded ${(to * 2).toLocaleString('en-US')} records, last job ${Math.round(rates.at(-1)!)} rows/s`);
    }
  }
  return { rates, perCpuSecond: (half * 2) / ((cpuMs(pid) - cpuStart) / 1000) };
}

async function times(n: number, call: (i: number) => Promise<number>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push(await call(i));
  return median(ms);
}

async function measure(label: string, root: string, total: number): Promise<Record<string, number>> {
  console.log(`${label}: ${total.toLocaleString('en-US')} records`);
  const loadBefore = loadAverage();
  const { child, url } = await startOrg(root);
  const org = await OrgClient.login(url);
  const { rates, perCpuSecond } = await load(org, child.pid!, total);
  const half = Math.floor(total / 2);
  const out: Record<string, number> = {
    ingestMedian: median(rates), ingestLast: rates.at(-1)!, ingestPerCpuSecond: perCpuSecond, rssMb: statusKb(child.pid!, 'VmRSS') / 1024,
    loadPeakRssMb: statusKb(child.pid!, 'VmHWM') / 1024,
  };
  out.describeMs = await times(20, async () => (await org.timed('GET', '/sobjects/Account/describe')).ms);
  const ids: string[] = [];
  out.createMs = await times(50, async (i) => {
    const { ms, json } = await org.timed('POST', '/sobjects/Account', { Name: `Bench ${i}`, External_Id__c: `BENCH-${label}-${i}` });
    ids.push(String(json.id));
    return ms;
  });
  out.readMs = await times(50, async (i) => (await org.timed('GET', `/sobjects/Account/${ids[i]}`)).ms);
  out.updateMs = await times(50, async (i) => (await org.timed('PATCH', `/sobjects/Account/${ids[i]}`, { Phone: '+1 555 0000' })).ms);
  out.deleteMs = await times(50, async (i) => (await org.timed('DELETE', `/sobjects/Account/${ids[i]}`)).ms);
  const picked: string[] = [];
  out.byExternalIdMs = await times(20, async (i) => {
    const { ms, json } = await org.query(`SELECT Id, Name FROM Account WHERE External_Id__c = 'EXT-${Math.floor((i + 0.5) * half / 20)}'`);
    picked.push(String((json.records as { Id: string }[])[0].Id));
    return ms;
  });
  out.byIdMs = await times(20, async (i) => (await org.query(`SELECT Id, Name FROM Account WHERE Id = '${picked[i]}'`)).ms);
  out.countPicklistMs = await times(5, async () => {
    const { ms, json } = await org.query("SELECT COUNT() FROM Account WHERE Industry = 'Banking'");
    if (json.totalSize !== Math.ceil(half / 8)) throw new Error(`COUNT() answered ${String(json.totalSize)}`);
    return ms;
  });
  out.countLikeMs = await times(3, async () => (await org.query("SELECT COUNT() FROM Contact WHERE LastName LIKE 'Smith1%'")).ms);
  const contactIds: string[] = [];
  out.createContactMs = await times(20, async (i) => {
    const { ms, json } = await org.timed('POST', '/sobjects/Contact', { LastName: `Bench ${i}`, Email: `bench${i}@example.com` });
    contactIds.push(String(json.id));
    return ms;
  });
  out.readContactMs = await times(20, async (i) => (await org.timed('GET', `/sobjects/Contact/${contactIds[i]}`)).ms);
  const rest = await org.queryPages('SELECT Id, Name, Phone, Industry FROM Account', 20);
  if (rest.totalSize < half) throw new Error(`the REST query answered totalSize ${rest.totalSize}`);
  out.restFirstPageMs = rest.firstMs;
  out.restNextPageMs = median(rest.nextMs);
  const exported = await org.bulkQuery('SELECT Id, FirstName, LastName, Email, Level__c FROM Contact');
  if (exported.rows !== half + contactIds.length) throw new Error(`the Bulk query gave ${exported.rows} rows`);
  out.bulkQueryRowsPerSecond = exported.rowsPerSecond;
  out.peakRssMb = statusKb(child.pid!, 'VmHWM') / 1024;
  out.rssBeforeUpsertMb = statusKb(child.pid!, 'VmRSS') / 1024;
  const upsertFrom = Math.floor(half / 2);
  const cpuBeforeUpsert = cpuMs(child.pid!);
  out.upsertRowsPerSecond = await org.bulkLoad('Account', accountCsv(upsertFrom, upsertFrom + upsertRows), upsertRows, 'External_Id__c');
  out.upsertPerCpuSecond = upsertRows / ((cpuMs(child.pid!) - cpuBeforeUpsert) / 1000);
  out.upsertPeakRssMb = statusKb(child.pid!, 'VmHWM') / 1024;
  out.loadAverage = (loadBefore + loadAverage()) / 2;
  // Wait for it to end, so the next org cannot get its port while this client still pools sockets to it.
  const ended = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await ended;
  console.log(`  ${JSON.stringify(out)}`);
  return out;
}

const baselineRoot = extractBaseline();
// The large load first: it is the figure the issue asks for, and the longest.
const newN = records === baselineRecords ? undefined : await measure('this tree', '.', records);
const olds: Record<string, number>[] = [];
const news: Record<string, number>[] = [];
for (let round = 0; round < rounds; round++) {
  olds.push(await measure(`baseline (${baselineRef})`, baselineRoot, baselineRecords));
  news.push(await measure('this tree', '.', baselineRecords));
}
const medians = (runs: Record<string, number>[]) => Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
const old1 = medians(olds);
const new1 = medians(news);
const large = newN ?? new1;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rows: [string, string, number][] = [
  ['Bulk 2.0 insert processing, median of the jobs, rows/s (higher is better)', 'ingestMedian', 0],
  ['Bulk 2.0 insert processing, last job (the fullest org), rows/s', 'ingestLast', 0],
  ['Bulk 2.0 insert, rows per CPU-second of the org process over the whole load (robust to load from others)', 'ingestPerCpuSecond', 0],
  ['RSS of the org process after loading, MB', 'rssMb', 0],
  ['peak RSS of the org process over loading, MB', 'loadPeakRssMb', 0],
  ['peak RSS of the org process over loading, CRUD and queries (REST pages, the Bulk query), MB', 'peakRssMb', 0],
  ['describe Account, ms (median of 20)', 'describeMs', 1],
  ['create one Account (REST), ms (median of 50)', 'createMs', 1],
  ['read one Account by Id, ms', 'readMs', 1],
  ['update one Account, ms', 'updateMs', 1],
  ['delete one Account, ms', 'deleteMs', 1],
  ["query WHERE External_Id__c = '...', ms (median of 20)", 'byExternalIdMs', 1],
  ["query WHERE Id = '...', ms (median of 20)", 'byIdMs', 1],
  ["full scan: COUNT() of Accounts WHERE Industry = 'Banking', ms (median of 5)", 'countPicklistMs', 0],
  ["full scan: COUNT() of Contacts WHERE LastName LIKE 'Smith1%', ms (median of 3)", 'countLikeMs', 0],
  ['create one Contact (REST), ms (median of 20)', 'createContactMs', 1],
  ['read one Contact by Id, ms (median of 20)', 'readContactMs', 1],
  ['REST query of every Account (4 fields): first page of 2,000, ms (the whole scan)', 'restFirstPageMs', 0],
  ['that query, next pages by nextRecordsUrl, ms (median of 20)', 'restNextPageMs', 1],
  ['Bulk 2.0 query of every Contact (5 fields), all result pages, rows/s', 'bulkQueryRowsPerSecond', 0],
  [`RSS before a Bulk upsert of ${fmt(upsertRows)} Accounts (one job), MB`, 'rssBeforeUpsertMb', 0],
  ['peak RSS of the org process up to the end of that upsert, MB', 'upsertPeakRssMb', 0],
  ['that upsert, processing rows/s', 'upsertRowsPerSecond', 0],
  ['that upsert, rows per CPU-second of the org process', 'upsertPerCpuSecond', 0],
  ['load average (1 min, mean of start and end)', 'loadAverage', 2],
];
const TITLE = '# Local org record store benchmark (issue 18)';
const lines = [
  `## ${fmt(records)} records against ${baselineRef} (${new Date().toISOString().slice(0, 16)} UTC)`,
  '',
  `Records loaded through Bulk 2.0 insert jobs over HTTP (${fmt(JOB_ROWS)} rows a job, deleted once complete; half Accounts x 8 fields, half Contacts x 9`,
  `fields), then single calls and queries timed one after another. Baseline: the Local org of commit ${baselineRef}, in the same run.`,
  `Measured ${new Date().toISOString().slice(0, 16)} UTC on the shared 2-core machine (other helpers' work: see the load average).`,
  `At ${fmt(baselineRecords)}: the baseline and this tree alternate ${rounds} times, each figure the median over the runs of the medians of`,
  `its repeated calls; at ${fmt(records)}: one run. describe does not touch records: it shows how busy the machine was.`,
  `Node flags of the record-file org: ${newOrgNodeArgs.join(' ') || 'none'} (BENCH_ORG_NODE_ARGS).`,
  '',
  `| measure | ${baselineRef}, ${fmt(baselineRecords)} | this tree, ${fmt(baselineRecords)} | ratio this/${baselineRef} | this tree, ${fmt(records)} | ratio to ${baselineRef} at ${fmt(baselineRecords)} |`,
  '|---|---|---|---|---|---|',
  ...rows.map(([name, key, digits]) => `| ${name} | ${fmt(old1[key], digits)} | ${fmt(new1[key], digits)} | ${fmt(new1[key] / old1[key], 2)} | `
    + `${fmt(large[key], digits)} | ${fmt(large[key] / old1[key], 2)} |`),
  '',
  'Reproduce: `node --import tsx bench/emulator/store-run.ts [records] [baselineRecords] [baselineRef] [rounds] [upsertRows]`.',
  '',
];
const RESULTS = 'bench/emulator/STORE-RESULTS.md';
const earlier = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8').replace(`${TITLE}\n`, '').trimStart() : '';
writeFileSync(RESULTS, [TITLE, '', ...lines, earlier].join('\n'));
console.log(lines.join('\n'));
