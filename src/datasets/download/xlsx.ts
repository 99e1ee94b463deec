import { Writable } from 'node:stream';
import type { Store } from '../../store/index.js';
import type { DatasetDoc } from '../model.js';
import { rowsOf, type Write } from './rows.js';

/** Excel's sheet limit, the header row included. */
export const XLSX_MAX_ROWS = 1_048_576 - 1;

/** A Writable over a download's `write` (its promise is the back-pressure). */
const writableOf = (write: Write): Writable =>
  new Writable({ write: (chunk: Buffer, _encoding, callback) => void write(chunk).then(() => callback(), callback) });

/**
 * One sheet named after the object (downloadOf refuses more rows than a sheet holds), streamed: exceljs's
 * WorkbookWriter commits rows as they go.
 */
export async function writeXlsx(store: Store, doc: DatasetDoc, write: Write): Promise<void> {
  const stream = writableOf(write);
  const finished = new Promise<void>((resolve, reject) => stream.on('finish', resolve).on('error', reject));
  // Loaded on first use, as for results (src/migrations/results-xlsx.ts): not at every process's start.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet((doc.source?.object ?? 'Sheet1').slice(0, 31));
  sheet.addRow(doc.columns).commit();
  for await (const rows of rowsOf(store, doc)) {
    for (const row of rows) sheet.addRow(row).commit();
  }
  sheet.commit();
  await workbook.commit();
  await finished;
}
