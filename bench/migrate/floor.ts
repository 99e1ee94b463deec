// The floor: a bare jsforce 3.10.16 script pushing the same CSV into a fresh emulator, as someone would
// without DMS. bulk: conn.bulk2.loadAndWaitForResults (jsforce's own polling: 1 s interval; timeout raised
// from its 30 s default so a million rows can finish). collections: SObject.create with allowRecursive
// (200 records a call, one call after another). Prints one JSON line.
// Usage: node --import tsx bench/migrate/floor.ts <emulator url> <csv file> bulk|collections
import { createReadStream, readFileSync } from 'node:fs';
import jsforce from 'jsforce';
import Papa from 'papaparse';

const [url, file, mode] = process.argv.slice(2);
const conn = new jsforce.Connection({ oauth2: { loginUrl: url, clientId: 'dms-local', clientSecret: 'dms-local-secret' }, version: '62.0' });
await conn.login('admin@local.org', 'password');

let succeeded = 0;
let failed = 0;
let seconds: number;
if (mode === 'bulk') {
  const started = performance.now();
  const results = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', lineEnding: 'LF', input: createReadStream(file), pollTimeout: 600_000 });
  seconds = (performance.now() - started) / 1000;
  succeeded = results.successfulResults.length;
  failed = results.failedResults.length + results.unprocessedRecords.length;
} else {
  const parsed = Papa.parse<Record<string, string | number>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
  const records = parsed.data.map((r) => ({ ...r, AnnualRevenue: Number(r.AnnualRevenue), NumberOfEmployees: Number(r.NumberOfEmployees) }));
  const started = performance.now();
  const results = await conn.sobject('Account').create(records, { allowRecursive: true });
  seconds = (performance.now() - started) / 1000;
  for (const r of results) if (r.success) succeeded++; else failed++;
}
const usage = process.resourceUsage();
console.log(JSON.stringify({ seconds, succeeded, failed, peakRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
