import type { Store } from '../../store/index.js';
import { AppError } from '../../errors.js';
import type { DatasetDoc } from '../model.js';
import { writeCsv } from './csv.js';
import { writeNdjson } from './ndjson.js';
import { writeParquet } from './parquet.js';
import type { Write } from './rows.js';
import { XLSX_MAX_ROWS, writeXlsx } from './xlsx.js';

export const DOWNLOAD_FORMATS = ['csv', 'xlsx', 'parquet', 'ndjson'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

type Writer = (store: Store, doc: DatasetDoc, write: Write) => Promise<void>;

const WRITERS: Record<DownloadFormat, { write: Writer; type: string }> = {
  csv: { write: writeCsv, type: 'text/csv; charset=utf-8' },
  xlsx: { write: writeXlsx, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  parquet: { write: writeParquet, type: 'application/vnd.apache.parquet' },
  ndjson: { write: writeNdjson, type: 'application/x-ndjson' },
};

/** The file name and type of a download, checked before the first byte is sent. */
export function downloadOf(doc: DatasetDoc, format: DownloadFormat): { fileName: string; contentType: string } {
  if (doc.status !== 'ready') {
    throw new AppError('DATASET_NOT_READY', 409, `Dataset ${doc.name} is ${doc.status}; it can be downloaded once it is ready.`);
  }
  if (format === 'xlsx' && doc.rowCount > XLSX_MAX_ROWS) {
    const message = `Dataset ${doc.name} has ${doc.rowCount} rows: an Excel sheet holds at most ${XLSX_MAX_ROWS} below `
      + 'its header. Download CSV or Parquet instead.';
    throw new AppError('XLSX_TOO_MANY_ROWS', 422, message);
  }
  const base = (doc.source?.object ?? doc.fileName.replace(/\.[^.]+$/, '')) || 'dataset';
  return { fileName: `${base}.${format}`, contentType: WRITERS[format].type };
}

/** Streams a ready dataset in one of the download formats, chunk by chunk. */
export function writeDownload(store: Store, doc: DatasetDoc, format: DownloadFormat, write: Write): Promise<void> {
  return WRITERS[format].write(store, doc, write);
}

export type { Write };
