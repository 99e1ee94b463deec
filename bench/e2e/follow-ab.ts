// The same `npm start` upload and run with pipelining on (the run created at once, following the parse) and off (created
// once the dataset is ready), alternating, in the same hour: what pipelining alone changes. No sf baseline.
// Usage: node --import tsx bench/e2e/follow-ab.ts [rows=1000000] [pairs=2]   (after bench/e2e/run.ts has built)
import { loadavg } from 'node:os';
import { defaultPath } from '../migrate/generate.js';
import { dmsStartRun } from './dms-start.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const pairs = Number(process.argv[3] ?? 2);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
for (let i = 0; i < pairs; i++) {
  for (const follow of [true, false]) {
    const run = await dmsStartRun(defaultPath(rows), rows, { follow });
    console.log(`pipelining ${follow ? 'on ' : 'off'}: upload to completed ${run.seconds.toFixed(2)} s, to ready ${run.uploadToReady.toFixed(2)} s; load ${load()}`);
  }
}
