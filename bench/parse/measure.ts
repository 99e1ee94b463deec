// One measurement in a fresh process (so peak RSS is this parser's alone); prints JSON.
// Usage: node --import tsx bench/parse/measure.ts dms|reader|udsv <file>
import { createReadStream, statSync } from 'node:fs';
import { initParser, inferSchema } from 'udsv';
import { DatasetProfiler } from '../../src/datasets/profile/index.js';
import { readDataset } from '../../src/datasets/readers/index.js';

const [mode, file] = process.argv.slice(2);
const started = performance.now();
let rows = 0;
if (mode === 'dms' || mode === 'reader') {
  // dms = the reader plus the profiler: what a parse job does before storing chunks.
  const profiler = mode === 'dms' ? new DatasetProfiler() : null;
  for await (const batch of readDataset(() => createReadStream(file, { highWaterMark: 256 * 1024 }))) {
    rows += batch.rows.length;
    profiler?.add(batch);
  }
} else {
  let parser: ReturnType<typeof initParser> | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    parser ??= initParser(inferSchema(text));
    parser.chunk(text, parser.stringArrs as never, (() => (rows += 1)) as never);
  }
  parser?.end();
}
const seconds = (performance.now() - started) / 1000;
const bytes = statSync(file).size;
console.log(JSON.stringify({ mode, rows, seconds, mbPerSecond: bytes / 1e6 / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
