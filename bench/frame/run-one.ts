// Runs one engine once in this process and prints {steps, total, rows, groups, peakRssMb} as JSON.
import { resolve } from 'node:path';
import { OUT_DIR } from './generate.js';
import type { Engine } from './engines/types.js';

const ENGINES: Record<string, () => Promise<Engine>> = {
  'nodejs-polars': async () => (await import('./engines/polars.js')).polars,
  arquero: async () => (await import('./engines/arquero.js')).arquero,
  'pandas-js': async () => (await import('./engines/pandas-js.js')).pandasJs,
  'polars-chunked': async () => (await import('./engines/polars-chunked.js')).polarsChunked,
  'dms-plain-js': async () => (await import('./engines/dms.js')).dms,
};

const [name, csvPath] = process.argv.slice(2);
const engine = await ENGINES[name]();
const start = performance.now();
const result = await engine(csvPath, resolve(OUT_DIR, `frame-out-${name}.csv`));
const total = performance.now() - start;
console.log(JSON.stringify({ ...result, total, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
