import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OUT_DIR } from '../generate.js';
import { timer, type Engine } from './types.js';

// arquero is installed beside the project (bench/out/engines) because it needs an npm override
// for @uwdata/flechette that the project's package.json does not carry.
interface Table {
  filter(fn: unknown): Table; rename(m: Record<string, string>): Table; derive(m: Record<string, unknown>): Table;
  dedupe(...keys: string[]): Table; groupby(...keys: string[]): Table; count(): Table; numRows(): number; toCSV(): string;
}
interface Arquero { fromCSV(text: string): Table }

export const arquero: Engine = async (csvPath, outPath) => {
  const aq = (await import(resolve(OUT_DIR, 'engines/node_modules/arquero/src/index.js'))) as Arquero;
  const mark = timer();
  let dt = aq.fromCSV(readFileSync(csvPath, 'utf8'));
  mark('load');
  dt = dt.filter((d: { amount: number }) => d.amount > 100);
  mark('filter');
  dt = dt.rename({ last_name: 'surname' });
  mark('rename');
  dt = dt.derive({ total: (d: { amount: number; quantity: number }) => d.amount * d.quantity });
  mark('derive');
  dt = dt.dedupe('email');
  mark('dedupe');
  const groups = dt.groupby('country').count();
  mark('group-by count');
  writeFileSync(outPath, dt.toCSV());
  mark('write');
  return { steps: mark.steps, rows: dt.numRows(), groups: groups.numRows() };
};
