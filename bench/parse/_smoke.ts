import { createReadStream } from 'node:fs';
import { readDataset } from '../../src/datasets/readers/index.js';
for (const f of process.argv.slice(2)) {
  try {
    for await (const b of readDataset(() => createReadStream(f), {})) console.log(f, b.columns, b.rows.slice(0, 4), b.issues, b.firstRowNumber);
  } catch (e) { console.log(f, 'ERR', (e as Error).message); }
}
