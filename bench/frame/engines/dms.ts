import { createWriteStream } from 'node:fs';
import { applyPipeline, frameFromRows, frameToRows, InMemorySeenKeys, type Frame, type Pipeline } from '../../../src/frame/index.js';
import { csvLine, forEachCsvChunk } from './csv-chunks.js';
import { timer, type Engine } from './types.js';

/** DMS's own plain-JS column arrays, driven chunk by chunk (5,000 rows) as a worker would. */
export const CHUNK = 5_000;

const STEPS: Record<string, Pipeline> = {
  load: [{ op: 'cast', columns: ['amount', 'quantity'], to: 'number' }, { op: 'cast', columns: ['id'], to: 'integer' }],
  filter: [{ op: 'filter', expression: 'amount > 100' }],
  rename: [{ op: 'rename', mapping: { last_name: 'surname' } }],
  derive: [{ op: 'derive', column: 'total', expression: 'amount * quantity' }],
  dedupe: [{ op: 'dedupe', keys: ['email'] }],
};

export const dms: Engine = async (csvPath, outPath) => {
  const mark = timer();
  const seenKeys = new InMemorySeenKeys();
  const counts = new Map<string, number>();
  const out = createWriteStream(outPath);
  let rows = 0;
  let first = 1;
  let wroteHeader = false;
  await forEachCsvChunk(csvPath, CHUNK, async (header, chunk) => {
    let frame: Frame = frameFromRows(header, chunk, first);
    first += chunk.length;
    for (const [name, pipeline] of Object.entries(STEPS)) {
      frame = (await applyPipeline(frame, pipeline, { seenKeys })).frame;
      mark(name);
    }
    const grouped = (await applyPipeline(frame, [{ op: 'aggregate', groupBy: ['country'], aggregations: [{ fn: 'count', as: 'n' }] }])).frame;
    grouped.data[0].forEach((country, i) => counts.set(String(country), (counts.get(String(country)) ?? 0) + (grouped.data[1][i] as number)));
    mark('group-by count');
    let text = wroteHeader ? '' : `${csvLine(frame.columns)}\n`;
    wroteHeader = true;
    for (const row of frameToRows(frame)) text += `${csvLine(row)}\n`;
    rows += frame.rows.length;
    if (!out.write(text)) await new Promise<void>((done) => out.once('drain', () => done()));
    mark('write');
  });
  out.end();
  await new Promise<void>((done) => out.once('finish', () => done()));
  mark('write');
  return { steps: mark.steps, rows, groups: counts.size };
};
