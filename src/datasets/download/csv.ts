import type { Store } from '../../store/index.js';
import type { ChunkValue, DatasetDoc } from '../model.js';
import { cellText, rowsOf, type Write } from './rows.js';

/** Every cell in double quotes, quotes doubled, as Data Loader writes its exports. */
const quoted = (text: string): string => `"${text.includes('"') ? text.replace(/"/g, '""') : text}"`;
const line = (cells: string[]): string => `${cells.map(quoted).join(',')}\n`;

/**
 * Data Loader's export layout: the header in capitals (Data Loader's CSV writer upper-cases it), every value quoted,
 * null as "", dates in ISO 8601, UTF-8 without BOM, LF line ends.
 */
export async function writeCsv(store: Store, doc: DatasetDoc, write: Write): Promise<void> {
  await write(line(doc.columns.map((c) => c.toUpperCase())));
  for await (const rows of rowsOf(store, doc)) {
    await write(rows.map((row: ChunkValue[]) => line(row.map(cellText))).join(''));
  }
}
