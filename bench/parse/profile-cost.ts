// What the column profile costs per cell, apart from reading: the CSV read through the real reader in the parser's
// batch size, each batch profiled, CPU time (process.cpuUsage: the machine is shared) of the reading and of
// DatasetProfiler.add measured apart. Prints the profile's figures so two builds can be compared for equality.
// Usage: node --import tsx bench/parse/profile-cost.ts [file=bench/out/migrate-accounts-1000000.csv] [rounds=3]
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { DatasetProfiler } from '../../src/datasets/profile/index.js';
import { readDataset } from '../../src/datasets/readers/index.js';

const file = process.argv[2] ?? 'bench/out/migrate-accounts-1000000.csv';
const rounds = Number(process.argv[3] ?? 3);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let round = 0; round < rounds; round++) {
  const profiler = new DatasetProfiler();
  let profileMs = 0;
  let cells = 0;
  const start = cpuMs();
  for await (const batch of readDataset(() => createReadStream(file, { highWaterMark: 64 * 1024 }), { format: 'csv', batchSize: 500 })) {
    const before = cpuMs();
    profiler.add(batch);
    profileMs += cpuMs() - before;
    cells += batch.rows.length * batch.columns.length;
  }
  const totalMs = cpuMs() - start;
  console.log(`round ${round + 1}: read ${((totalMs - profileMs) / 1000).toFixed(2)} CPU-s, profile ${(profileMs / 1000).toFixed(2)} CPU-s `
    + `(${((profileMs * 1000) / cells).toFixed(3)} us a cell, ${cells} cells); load ${loadavg()[0].toFixed(1)}`);
  if (round === rounds - 1) console.log(JSON.stringify(profiler.result()));
}
