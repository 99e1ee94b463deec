// Export benchmark (issue 15): 1,000,000 Account records x 10 fields from the Local org into a DMS dataset, against
// `sf data export bulk` on the same org in the same run (alternating), medians of `runs`. Writes bench/export/RESULTS.md.
// Needs Redis at REDIS_URL (default 127.0.0.1:6379); starts its own in-memory pouchdb-server and emulator; installs the
// sf CLI into its cache folder on first use (test/integration/sf-cli/install.ts).
// Usage: node --import tsx bench/export/run.ts [rows=1000000] [runs=3]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { SfCli } from '../../test/integration/sf-cli/sf-cli.js';
import { defaultPath, generate } from '../migrate/generate.js';
import { compileWorkers, cpuSeconds, rssMb, startCouch, startEmulatorProcess, stop } from '../migrate/processes.js';
import { dmsExport, type DmsExport } from './dms-export.js';
import { loadAccounts, orgToken } from './load-org.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const FIELDS = ['Id', 'Name', 'AccountNumber', 'Phone', 'Website', 'Industry', 'AnnualRevenue', 'NumberOfEmployees', 'External_Id__c', 'CreatedDate'];
const SOQL = `SELECT ${FIELDS.join(', ')} FROM Account`;

interface SfRun { seconds: number; rows: number; emulatorCpu: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

compileWorkers();
const file = defaultPath(rows);
if (!existsSync(file)) await generate(rows, file);
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const couch = await startCouch();
const emulator = await startEmulatorProcess();
const sf = await SfCli.create();
const dms: DmsExport[] = [];
const baseline: SfRun[] = [];
try {
  const loaded = await loadAccounts(emulator.url, file);
  if (loaded !== rows) throw new Error(`the org holds ${loaded} records, not ${rows}`);
  await sf.loginAccessToken(emulator.url, await orgToken(emulator.url), 'bench');
  for (let i = 0; i < runs; i++) {
    const run = await dmsExport(couch.url, emulator, couch, SOQL);
    if (run.rows !== rows) throw new Error(`DMS exported ${run.rows} rows, not ${rows}`);
    dms.push(run);
    const out = join(sf.home, `export-${i}.csv`);
    const cpu0 = cpuSeconds(emulator.proc.pid);
    const t0 = performance.now();
    const result = await sf.run(['data', 'export', 'bulk', '--query', SOQL, '--output-file', out, '--wait', '20', '--target-org', 'bench', '--result-format', 'csv']);
    const seconds = (performance.now() - t0) / 1000;
    if (result.exitCode !== 0) throw new Error(`sf data export bulk failed: ${result.stdout.slice(0, 2000)}`);
    const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length - 1;
    if (lines !== rows) throw new Error(`sf exported ${lines} rows, not ${rows}`);
    baseline.push({ seconds, rows: lines, emulatorCpu: cpuSeconds(emulator.proc.pid) - cpu0 });
    console.log(`run ${i + 1}: DMS ${run.seconds.toFixed(2)} s (parser peak RSS ${Math.round(run.parserRssMb)} MB; CPU s parser/emulator/pouchdb `
      + `${run.cpu.parser.toFixed(1)}/${run.cpu.emulator.toFixed(1)}/${run.cpu.couch.toFixed(1)}); sf data export bulk ${seconds.toFixed(2)} s`);
  }
} finally {
  await sf.close();
  console.log(`emulator peak RSS ${Math.round(rssMb(emulator.proc.pid).peak)} MB, pouchdb-server ${Math.round(rssMb(couch.proc.pid).peak)} MB`);
  await stop(emulator);
  await stop(couch);
}

const d = median(dms.map((r) => r.seconds));
const s = median(baseline.map((r) => r.seconds));
const rss = median(dms.map((r) => r.parserRssMb));
const rssMax = Math.max(...dms.map((r) => r.parserRssMb));
const text = [
  '# Export benchmark (bench/export)',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} with Node ${process.version} on the shared 2-core machine (other engineers' work runs at`,
  `the same time). Load average at the start / end: ${loadAtStart} / ${loadavg().map((l) => l.toFixed(1)).join(' ')}. Medians of ${runs} runs.`,
  '',
  `One Local org (\`dms emulator\` child process) holds ${fmt(rows)} Account records (bench/migrate/generate.ts, loaded through Bulk ingest`,
  'before any timer). Both sides export the same query from it, alternating:',
  '',
  `\`${SOQL}\``,
  '',
  '- DMS: `createExport` (the query checked against describe, the dataset made, the job enqueued) to dataset `ready`, in the',
  '  parser process as the Procfile runs it (compiled, `WORKER_QUEUES=datasets`, `--max-semi-space-size=32`, no heap cap), writing',
  '  5,000-row chunks (the rows\' own CSV text), the column profile and progress to an in-memory pouchdb-server.',
  '- Baseline: the official `sf data export bulk --result-format csv --wait 20` to a local file, whole command (process start included).',
  '',
  '| measure | median | ratio to sf |',
  '|---|---|---|',
  `| DMS export into a dataset, s | ${fmt(d, 2)} | ${(d / s).toFixed(2)}x |`,
  `| \`sf data export bulk\` into a CSV file, s | ${fmt(s, 2)} | 1.00x |`,
  `| DMS records/s | ${fmt(rows / d)} | |`,
  `| peak RSS of the DMS parser process, MB (median; highest of any run) | ${fmt(rss)}; ${fmt(rssMax)} | |`,
  `| CPU s during the DMS run: parser + emulator + pouchdb-server | ${fmt(median(dms.map((r) => r.cpu.parser)), 1)} + ${fmt(median(dms.map((r) => r.cpu.emulator)), 1)} + ${fmt(median(dms.map((r) => r.cpu.couch)), 1)} | |`,
  `| emulator CPU s during the sf run | ${fmt(median(baseline.map((r) => r.emulatorCpu)), 1)} | |`,
  '',
  `Runs (DMS / sf, s): ${dms.map((r, i) => `${r.seconds.toFixed(2)} / ${baseline[i].seconds.toFixed(2)}`).join(', ')}; parser peak RSS per run, MB: ${dms.map((r) => Math.round(r.parserRssMb)).join(', ')}.`,
  '',
  `Targets: <= 30 s: **${d <= 30 ? 'met' : 'NOT met'}**; <= 300 MB per DMS process: **${rssMax <= 300 ? 'met' : rss <= 300 ? 'met by the median, not by every run' : 'NOT met'}**.`,
  '',
  '## Reproduce',
  '',
  `\`node --import tsx bench/export/run.ts ${rows} ${runs}\` (generates bench/out/migrate-accounts-<rows>.csv when missing, compiles the`,
  'workers into bench/out/dist, installs the sf CLI into its cache on first use; needs Redis at REDIS_URL, default 127.0.0.1:6379).',
  '',
];
writeFileSync(process.env.BENCH_RESULTS ?? 'bench/export/RESULTS.md', text.join('\n'));
console.log(text.join('\n'));
