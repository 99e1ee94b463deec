// One measured pass in this process: mode = copy (baseline) | validate (pipeline + validation) | validate-redis | preview.
import { Redis } from 'ioredis';
import { applyPipeline, frameFromRows, InMemorySeenKeys, previewPipeline, RedisSeenKeys, type SeenKeys } from '../../src/frame/index.js';
import { fieldByName } from '../../src/mapping/index.js';
import { DuplicateTracker, ValidationReportBuilder, validateFrame } from '../../src/validation/index.js';
import { forEachCsvChunk } from '../frame/engines/csv-chunks.js';
import { CONTACT, MAPPING, PIPELINE } from './scenario.js';

const CHUNK = 5_000;
const [mode, csvPath] = process.argv.slice(2);
const externalId = fieldByName(CONTACT, 'Legacy_Id__c');
if (!externalId) throw new Error('fixture lacks Legacy_Id__c');

async function fullRun(seen: () => SeenKeys): Promise<Record<string, unknown>> {
  const report = new ValidationReportBuilder();
  const dedupe = seen();
  const tracker = new DuplicateTracker(externalId as NonNullable<typeof externalId>, seen());
  let first = 1;
  let rows = 0;
  await forEachCsvChunk(csvPath, CHUNK, async (header, chunk) => {
    const frame = frameFromRows(header, chunk, first);
    first += chunk.length;
    rows += chunk.length;
    if (mode === 'copy') return;
    const piped = await applyPipeline(frame, PIPELINE, { seenKeys: dedupe });
    report.addSkipped(piped.skipped);
    await validateFrame(piped.frame, {
      mapping: MAPPING, describe: CONTACT, operation: 'upsert', rowIssues: piped.rowIssues, options: { externalIdField: 'Legacy_Id__c' },
      duplicates: [tracker], report,
    });
  });
  const built = report.build();
  return { rows, valid: built.valid, invalid: built.invalid, skipped: built.skipped, byStatusCode: built.byStatusCode };
}

async function preview(): Promise<Record<string, unknown>> {
  const sample: string[][] = [];
  let header: string[] = [];
  await forEachCsvChunk(csvPath, 100, async (h, rows) => { if (!sample.length) { header = h; sample.push(...rows); } });
  const timings: number[] = [];
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    // An edit: the step list changes every time, so nothing can be cached between previews.
    const edited = [...PIPELINE, { op: 'derive' as const, column: 'note', expression: `concat(upper(left(first_name, ${1 + (i % 5)})), '-', quantity * 2)` }];
    const result = await previewPipeline(header, sample.slice(0, 100), edited);
    await validateFrame(result.frame, {
      mapping: MAPPING, describe: CONTACT, operation: 'upsert', rowIssues: result.rowIssues, options: { externalIdField: 'Legacy_Id__c' },
    });
    timings.push(performance.now() - start);
  }
  return { first: timings[0], timings: timings.slice(1) };
}

const start = performance.now();
let result: Record<string, unknown>;
if (mode === 'preview') result = await preview();
else if (mode === 'validate-redis') {
  const client = new Redis('redis://127.0.0.1:6379');
  const prefix = `bench:validate:${process.pid}:${Date.now()}`;
  let n = 0;
  const made: RedisSeenKeys[] = [];
  result = await fullRun(() => { const s = new RedisSeenKeys(client, `${prefix}:${n++}`, 600); made.push(s); return s; });
  for (const s of made) await s.clear();
  client.disconnect();
} else result = await fullRun(() => new InMemorySeenKeys());
console.log(JSON.stringify({ ...result, ms: performance.now() - start, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
