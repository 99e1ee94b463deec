import pl from 'nodejs-polars';
import { timer, type Engine } from './types.js';

export const polars: Engine = async (csvPath, outPath) => {
  const mark = timer();
  let df = pl.readCSV(csvPath);
  mark('load');
  df = df.filter(pl.col('amount').gt(100));
  mark('filter');
  df = df.rename({ last_name: 'surname' });
  mark('rename');
  df = df.withColumns(pl.col('amount').mul(pl.col('quantity')).alias('total'));
  mark('derive');
  df = df.unique({ subset: ['email'], keep: 'first', maintainOrder: true });
  mark('dedupe');
  const groups = df.groupBy('country').len();
  mark('group-by count');
  df.writeCSV(outPath);
  mark('write');
  return { steps: mark.steps, rows: df.height, groups: groups.height };
};
