import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import Papa from 'papaparse';
import { timer, type Engine } from './types.js';

// pandas-js (0.2.4, 2017) has no CSV reader, no drop_duplicates and no group-by: papaparse loads,
// and dedupe/group-by are done over its column values; its own to_csv writes (unquoted) CSV.
interface Series { gt(n: number): Series; mul(s: Series): Series; values: { toArray(): unknown[] } }
interface DataFrame {
  get(c: string): Series; filter(mask: Series | boolean[]): DataFrame; set(c: string, s: Series): DataFrame;
  rename(a: { columns: unknown }): DataFrame; to_csv(): string; length: number;
}

export const pandasJs: Engine = async (csvPath, outPath) => {
  const require = createRequire(import.meta.url);
  const { DataFrame } = require('pandas-js') as { DataFrame: new (rows: unknown[]) => DataFrame };
  // The Immutable that pandas-js itself resolves (it checks `instanceof` on its own classes).
  const { Map: ImmutableMap } = require(require.resolve('immutable', { paths: [dirname(require.resolve('pandas-js'))] })) as { Map: (o: object) => unknown };
  const mark = timer();
  const parsed = Papa.parse<Record<string, unknown>>(readFileSync(csvPath, 'utf8'), { header: true, dynamicTyping: true, skipEmptyLines: true });
  let df = new DataFrame(parsed.data);
  mark('load');
  df = df.filter(df.get('amount').gt(100));
  mark('filter');
  df = df.rename({ columns: ImmutableMap({ last_name: 'surname' }) });
  mark('rename');
  df = df.set('total', df.get('amount').mul(df.get('quantity')));
  mark('derive');
  const seen = new Set<unknown>();
  df = df.filter(df.get('email').values.toArray().map((e) => (seen.has(e) ? false : (seen.add(e), true))));
  mark('dedupe');
  const counts = new Map<unknown, number>();
  for (const c of df.get('country').values.toArray()) counts.set(c, (counts.get(c) ?? 0) + 1);
  mark('group-by count');
  writeFileSync(outPath, df.to_csv());
  mark('write');
  return { steps: mark.steps, rows: df.length, groups: counts.size };
};
