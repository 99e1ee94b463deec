export { detectFormat, type DetectedFormat, type DetectHints } from './detect.js';
export { readDataset } from './read-dataset.js';
export { dedupeHeaders, type HeaderRename } from './headers.js';
export {
  ReaderOptions, DATASET_FORMATS,
  type ReaderOptionsInput, type DatasetFormat, type RowBatch, type RowIssue, type CellValue, type ByteSource,
} from './types.js';
export { parseCsvRows } from './csv/read-csv.js';
export { CsvPages } from './csv/csv-pages.js';
export { Batcher } from './batcher.js';
