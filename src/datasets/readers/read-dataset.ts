import { readCsv } from './csv/read-csv.js';
import { detectFormat } from './detect.js';
import { readXlsx } from './excel/read-xlsx.js';
import { readJson } from './json/read-json.js';
import { withinLimits } from './limits.js';
import { readNdjson } from './json/read-ndjson.js';
import { readParquet } from './parquet/read-parquet.js';
import { readPickle } from './pickle/read-pickle.js';
import { readerError } from './reader-error.js';
import { readHead } from './source.js';
import { ReaderOptions, type ByteSource, type DatasetFormat, type ReaderOptionsInput, type RowBatch } from './types.js';

type Reader = (source: ByteSource, options: ReaderOptions) => AsyncGenerator<RowBatch>;

const READERS: Record<DatasetFormat, Reader> = {
  csv: readCsv,
  xlsx: readXlsx,
  xls: () => {
    throw readerError('XLS_NOT_SUPPORTED', 'Old Excel 97-2003 workbooks (.xls) are not read: no maintained, safe library reads them. Open the file in Excel or LibreOffice and save it as .xlsx or CSV.');
  },
  pickle: readPickle,
  json: readJson,
  ndjson: readNdjson,
  parquet: readParquet,
};

/**
 * Reads any supported file as batches of rows. `source` is called again for each pass
 * (sniffing the first 64 KB, a zip directory check, the read itself). The format comes from
 * options.format, else from the content. Columns, column names and cells over options.limits are refused here.
 */
export async function* readDataset(source: ByteSource, input: ReaderOptionsInput = {}): AsyncGenerator<RowBatch> {
  const options = ReaderOptions.parse(input);
  const format = options.format ?? detectFormat(await readHead(source, 64 * 1024), 'the file', { encoding: options.encoding }).format;
  yield* withinLimits(READERS[format](source, options), options.limits);
}
