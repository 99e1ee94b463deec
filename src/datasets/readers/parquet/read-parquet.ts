import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { asyncBufferFromFile, parquetRead, parquetSchema } from 'hyparquet';
import { Batcher } from '../batcher.js';
import { dedupeHeaders } from '../headers.js';
import { readerError } from '../reader-error.js';
import { toCell } from '../records.js';
import type { ByteSource, ReaderOptions, RowBatch } from '../types.js';
import { COMPRESSORS, damaged, readMetadata } from './metadata.js';

/**
 * Parquet needs random access (the footer first), so the stream is spooled to a private temporary file, then read
 * one row group at a time with hyparquet. hyparquet's own errors are JavaScript's words ("Cannot read properties of
 * undefined"): none reaches the user; the footer and each column are checked first, and a row group that still fails
 * to decode is named as damaged.
 */
export async function* readParquet(source: ByteSource, options: ReaderOptions): AsyncGenerator<RowBatch> {
  const folder = await mkdtemp(join(tmpdir(), 'dms-parquet-'));
  try {
    const path = join(folder, 'data.parquet');
    await pipeline(source(), createWriteStream(path));
    const file = await asyncBufferFromFile(path);
    const metadata = await readMetadata(file, path);
    let names: string[];
    try {
      names = parquetSchema(metadata).children.map((child) => child.element.name);
    } catch {
      throw damaged('its schema');
    }
    const batcher = new Batcher(options.batchSize, dedupeHeaders(names).columns);
    let rowStart = 0;
    for (const [group, rowGroup] of metadata.row_groups.entries()) {
      const rowEnd = rowStart + Number(rowGroup.num_rows);
      let rows: unknown[][] = [];
      try {
        const onComplete = (result: unknown[][]) => (rows = result);
        await parquetRead({ file, metadata, rowStart, rowEnd, compressors: COMPRESSORS, onComplete });
      } catch {
        throw damaged(`row group ${group + 1} (rows ${rowStart + 1}-${rowEnd})`, { rowGroup: group });
      }
      for (const row of rows) batcher.push(row.map(toCell));
      yield* batcher.drain();
      rowStart = rowEnd;
    }
    if (batcher.rowCount === 0) throw readerError('EMPTY_TABLE', 'The Parquet file has no rows.');
    yield* batcher.drain(true);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
