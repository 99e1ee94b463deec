// One measured Bulk 2.0 ingest over HTTP against an in-process emulator; prints one JSON line.
// Usage: node --import tsx bench/emulator/run-once.ts <csv file>
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { configureLogger } from '../../src/logger.js';
import { startEmulator } from '../../src/salesforce-emulator/index.js';

const file = process.argv[2];
configureLogger({ level: 'warn' });
const emulator = await startEmulator({ dataDir: undefined });
const base = `${emulator.url}/services/data/v62.0`;

const tokenResponse = await fetch(`${emulator.url}/services/oauth2/token`, {
  method: 'POST',
  body: new URLSearchParams({ grant_type: 'password', client_id: 'dms-local', client_secret: 'dms-local-secret', username: 'admin@local.org', password: 'password' }),
});
const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.json() as Promise<Record<string, unknown>>;
};

const job = await api('POST', '/jobs/ingest', { object: 'Account', operation: 'insert' });
const uploadStart = performance.now();
await new Promise<void>((resolve, reject) => {
  // No Content-Length: the body goes out chunked, as jsforce sends it.
  const req = request(`${base}/jobs/ingest/${job.id}/batches`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' } }, (res) => {
    res.resume();
    res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`upload answered ${res.statusCode}`))));
  });
  req.on('error', reject);
  createReadStream(file).pipe(req);
});
const uploadMs = performance.now() - uploadStart;
const processStart = performance.now();
const cpuStart = process.cpuUsage();
await api('PATCH', `/jobs/ingest/${job.id}`, { state: 'UploadComplete' });
let info: Record<string, unknown>;
for (;;) {
  info = await api('GET', `/jobs/ingest/${job.id}`);
  if (info.state === 'JobComplete' || info.state === 'Failed') break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const processMs = performance.now() - processStart;
const cpu = process.cpuUsage(cpuStart);
const processCpuMs = (cpu.user + cpu.system) / 1000;
const resultsStart = performance.now();
const results = await fetch(`${base}/jobs/ingest/${job.id}/successfulResults`, { headers });
let resultBytes = 0;
for await (const chunk of results.body as unknown as AsyncIterable<Uint8Array>) resultBytes += chunk.length;
const resultsMs = performance.now() - resultsStart;
const rows = Number(info.numberRecordsProcessed);
console.log(JSON.stringify({
  state: info.state, rows, failed: info.numberRecordsFailed, bytes: statSync(file).size,
  uploadMs, processMs, serverProcessingMs: info.totalProcessingTime, resultsMs, resultBytes,
  rowsPerSecond: rows / (processMs / 1000), processCpuMs, rowsPerCpuSecond: rows / (processCpuMs / 1000), maxRssMb: process.resourceUsage().maxRSS / 1024,
}));
await emulator.close();
