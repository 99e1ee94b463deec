import type { Writable } from 'node:stream';
import type { Services } from '../services.js';
import { resultRows, type ResultKind, type ResultLayout } from './results.js';

/** One results file as an .xlsx workbook streamed to `out` (exceljs writes each row as it comes). */
export async function writeResultsXlsx(services: Services, id: string, kind: ResultKind, out: Writable, layout: ResultLayout): Promise<number> {
  // Loaded on first use: exceljs and its zip libraries are ~450 modules that every process would otherwise load at start.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet(kind === 'success' ? 'Success' : 'Errors');
  let written = -1;
  for await (const rows of resultRows(services, id, kind, layout)) {
    for (const row of rows) sheet.addRow(row.map((v) => (v === undefined ? null : v))).commit();
    written += rows.length;
  }
  sheet.commit();
  await workbook.commit();
  return written;
}
