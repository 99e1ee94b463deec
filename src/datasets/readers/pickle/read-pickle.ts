import { Batcher } from '../batcher.js';
import { dedupeHeaders } from '../headers.js';
import { readerError } from '../reader-error.js';
import { RecordTabulator, toCell } from '../records.js';
import { readAll } from '../source.js';
import type { ByteSource, ReaderOptions, RowBatch } from '../types.js';
import { unpickle } from './machine.js';
import { arrayElements } from './numpy.js';
import { NpArray, PyInstance } from './objects.js';
import { isPandasObject, pandasTable, type ColumnTable } from './pandas.js';

const describe = (value: unknown): string => {
  if (value === null) return 'None';
  if (value instanceof PyInstance) return `a ${value.cls}`;
  if (value instanceof Map) return 'a dict that is not column name -> list of values';
  if (Array.isArray(value)) return 'a list that mixes rows, records and plain values';
  return `a single ${typeof value}`;
};

function notATable(value: unknown): Error {
  return readerError('PICKLE_NOT_A_TABLE', `The pickle holds ${describe(value)}, not a table. DMS reads a pandas DataFrame or Series, a list of dicts, a dict of lists, or a list of rows (lists or tuples).`);
}

function listValues(value: unknown): unknown[] | null {
  if (value instanceof NpArray) return arrayElements(value);
  if (isPandasObject(value)) return pandasTable(value, false).columns[0] ?? [];
  return Array.isArray(value) ? value : null;
}

/** dict of equal-length lists (or numpy arrays / Series). */
function dictTable(dict: Map<unknown, unknown>): ColumnTable | null {
  const columns = [...dict.values()].map(listValues);
  if (columns.length === 0 || columns.some((column) => column === null)) return null;
  const lengths = new Set(columns.map((column) => (column as unknown[]).length));
  if (lengths.size > 1) {
    throw readerError('PICKLE_RAGGED_COLUMNS', `The pickled dict's lists have different lengths (${[...lengths].join(', ')}); every column must have one value per row.`);
  }
  return { names: [...dict.keys()], columns: columns as unknown[][] };
}

function* columnBatches(table: ColumnTable, batchSize: number): Generator<RowBatch> {
  const batcher = new Batcher(batchSize);
  const { columns, renames } = dedupeHeaders(table.names);
  batcher.columns = columns;
  for (const rename of renames) batcher.issue({ row: 0, code: 'HEADER_RENAMED', message: `Column ${rename.column} "${rename.from}" is named "${rename.to}".` });
  const rows = table.columns[0]?.length ?? 0;
  for (let r = 0; r < rows; r++) {
    batcher.push(table.columns.map((column) => toCell(column?.[r])));
    if (batcher.full) yield* batcher.drain();
  }
  yield* batcher.drain(true);
}

function rowsTable(rows: unknown[][], header: boolean): ColumnTable {
  const width = Math.max(...rows.map((row) => row.length));
  const names = header ? rows[0] : Array.from({ length: width }, (_, i) => `column_${i + 1}`);
  const body = header ? rows.slice(1) : rows;
  return { names, columns: Array.from({ length: names.length }, (_, c) => body.map((row) => row[c])) };
}

/** Python pickles (protocols 0-5), through the safe unpickler; the whole file is held in memory. */
export async function* readPickle(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  const limit = options.limits.maxPickleBytes;
  const data = await readAll(source, limit, () => readerError('PICKLE_TOO_LARGE', `The pickle is larger than ${limit} bytes; save the data as Parquet or CSV instead.`));
  if (data.length === 0) throw readerError('EMPTY_FILE', 'The file is empty (0 bytes).');
  const value = unpickle(data);
  let table: ColumnTable | null = null;
  try {
    if (isPandasObject(value)) table = pandasTable(value, options.pickleIndex === 'column');
    else if (value instanceof Map) table = dictTable(value);
    else if (Array.isArray(value) && value.length > 0 && value.every((item) => item instanceof Map)) {
      const tabulator = new RecordTabulator(options.batchSize);
      for (const record of value) tabulator.add(record as Map<unknown, unknown>);
      yield* tabulator.drain(true);
      return;
    } else if (Array.isArray(value) && value.length > 0 && value.every((item) => Array.isArray(item))) {
      const rows = value as unknown[][];
      const header = options.hasHeader === true || (options.hasHeader === 'auto' && rows.length > 1 && rows[0].every((cell) => typeof cell === 'string') && rows[1].some((cell) => typeof cell !== 'string'));
      table = rowsTable(rows, header);
    } else if (Array.isArray(value) && value.length > 0 && value.every((item) => !(item instanceof Map) && !Array.isArray(item))) {
      table = { names: ['value'], columns: [value] };
    }
  } catch (error) {
    if (error instanceof Error && 'status' in error) throw error;
    throw readerError('PICKLE_UNSUPPORTED', `The pickle's data could not be rebuilt: ${(error as Error).message}`);
  }
  if (!table) throw notATable(value);
  if ((table.columns[0]?.length ?? 0) === 0) throw readerError('EMPTY_TABLE', 'The pickled table has no rows.');
  yield* columnBatches(table, options.batchSize);
}
