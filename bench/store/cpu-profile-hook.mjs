// Loaded into the server by NODE_OPTIONS (--cpu-prof is not allowed there): profiles the whole process through the
// inspector and writes the profile to BENCH_CPU_PROFILE_DIR when the process is stopped with SIGTERM.
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 500 });
await session.post('Profiler.start');
process.once('SIGTERM', async () => {
  const { profile } = await session.post('Profiler.stop');
  const dir = process.env.BENCH_CPU_PROFILE_DIR ?? '.';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `pouchdb-server-${process.pid}.cpuprofile`), JSON.stringify(profile));
  process.exit(0);
});
