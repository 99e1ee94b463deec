import { createWriteStream } from 'node:fs';
import pl from 'nodejs-polars';
import { csvLine, forEachCsvChunk } from './csv-chunks.js';
import { CHUNK } from './dms.js';
import { timer, type Engine } from './types.js';

/**
 * nodejs-polars behind DMS's chunk interface: each 5,000-row chunk of JS values goes into a polars
 * DataFrame and comes back as JS rows (what a worker would have to do); dedupe needs a cross-chunk set.
 */
export const polarsChunked: Engine = async (csvPath, outPath) => {
  const mark = timer();
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  const out = createWriteStream(outPath);
  let rows = 0;
  let wroteHeader = false;
  await forEachCsvChunk(csvPath, CHUNK, async (header, chunk) => {
    const columns: Record<string, unknown[]> = {};
    header.forEach((name, c) => { columns[name] = chunk.map((row) => row[c]); });
    let df = pl.DataFrame(columns).withColumns(
      pl.col('amount').cast(pl.Float64), pl.col('quantity').cast(pl.Float64), pl.col('id').cast(pl.Int64),
    );
    mark('load');
    df = df.filter(pl.col('amount').gt(100));
    mark('filter');
    df = df.rename({ last_name: 'surname' });
    mark('rename');
    df = df.withColumns(pl.col('amount').mul(pl.col('quantity')).alias('total'));
    mark('derive');
    const emails = df.getColumn('email').toArray() as string[];
    const keep = emails.map((e) => (seen.has(e) ? false : (seen.add(e), true)));
    df = df.filter(pl.Series(keep));
    mark('dedupe');
    const grouped = df.groupBy('country').len();
    const names = grouped.getColumn('country').toArray() as string[];
    const lens = grouped.getColumn(grouped.columns[1]).toArray() as number[];
    names.forEach((n, i) => counts.set(n, (counts.get(n) ?? 0) + Number(lens[i])));
    mark('group-by count');
    let text = wroteHeader ? '' : `${csvLine(df.columns)}\n`;
    wroteHeader = true;
    for (const row of df.rows()) text += `${csvLine(row)}\n`;
    rows += df.height;
    if (!out.write(text)) await new Promise<void>((done) => out.once('drain', () => done()));
    mark('write');
  });
  out.end();
  await new Promise<void>((done) => out.once('finish', () => done()));
  mark('write');
  return { steps: mark.steps, rows, groups: counts.size };
};
