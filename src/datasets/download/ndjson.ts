import type { Store } from '../../store/index.js';
import type { DatasetDoc } from '../model.js';
import { rowsOf, type Write } from './rows.js';

/** One JSON object per line, keyed by column, values as stored (dates in ISO 8601, null kept). */
export async function writeNdjson(store: Store, doc: DatasetDoc, write: Write): Promise<void> {
  for await (const rows of rowsOf(store, doc)) {
    let text = '';
    for (const row of rows) {
      text += `${JSON.stringify(Object.fromEntries(doc.columns.map((column, i) => [column, row[i] ?? null])))}\n`;
    }
    await write(text);
  }
}
