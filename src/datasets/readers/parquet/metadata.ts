import { open } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parquetMetadataAsync, type AsyncBuffer, type Compressors, type FileMetaData } from 'hyparquet';
import { readerError } from '../reader-error.js';

const MAGIC = 'PAR1';
const KNOWN_ENCODINGS = new Set([
  'PLAIN', 'PLAIN_DICTIONARY', 'RLE', 'BIT_PACKED', 'DELTA_BINARY_PACKED', 'DELTA_LENGTH_BYTE_ARRAY', 'DELTA_BYTE_ARRAY',
  'RLE_DICTIONARY', 'BYTE_STREAM_SPLIT',
]);

/** Codecs hyparquet lacks that node:zlib has; each inflates to the page size its header states, never more. */
export const COMPRESSORS: Compressors = {
  GZIP: (input, outputLength) => gunzipSync(input, { maxOutputLength: Math.max(outputLength, 1) }),
  BROTLI: (input, outputLength) => brotliDecompressSync(input, { maxOutputLength: Math.max(outputLength, 1) }),
};
const READABLE_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', ...Object.keys(COMPRESSORS)]);

export const damaged = (where: string, details?: Record<string, unknown>): Error =>
  readerError(
    'PARQUET_CORRUPT',
    `The Parquet file is damaged: ${where} cannot be decoded. Export the data to Parquet again, or upload it as CSV.`,
    details,
  );

/** The footer's frame checked by hand first (magic bytes, metadata length), so a cut file says so. */
async function checkFrame(path: string, size: number): Promise<void> {
  if (size < 12) {
    throw readerError('PARQUET_TRUNCATED', `The Parquet file is only ${size} bytes: it was cut off. Upload the whole file again.`);
  }
  const handle = await open(path);
  try {
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(8);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 8, size - 8);
    if (head.toString('latin1') !== MAGIC) throw damaged('its first bytes (not "PAR1")');
    if (tail.toString('latin1', 4) !== MAGIC) {
      throw readerError(
        'PARQUET_TRUNCATED',
        `The Parquet file ends without its closing "PAR1" footer (${size} bytes): it was cut off or damaged. ` +
          `Upload the whole file again.`,
      );
    }
    if (tail.readUInt32LE(0) > size - 12) throw damaged('its footer (the metadata length is larger than the file)');
  } finally {
    await handle.close();
  }
}

type ColumnChunk = FileMetaData['row_groups'][number]['columns'][number];

function checkColumn(chunk: ColumnChunk, group: number, size: number): void {
  const meta = chunk.meta_data;
  const column = meta?.path_in_schema?.join('.') ?? '?';
  if (!meta || !Array.isArray(meta.encodings)) throw damaged(`the metadata of row group ${group + 1}`, { rowGroup: group });
  if (!READABLE_CODECS.has(String(meta.codec))) {
    throw readerError(
      'PARQUET_UNSUPPORTED_COMPRESSION',
      `Column "${column}" of the Parquet file is compressed with ` +
        `${String(meta.codec ?? 'an unknown codec')}, which DMS cannot read. Write the file again with ` +
        `snappy, gzip, brotli or no compression (pandas: to_parquet(compression="snappy"); polars: ` +
        `write_parquet(compression="snappy")).`,
      { column, codec: meta.codec },
    );
  }
  if (!meta.encodings.every((encoding) => KNOWN_ENCODINGS.has(String(encoding)))) {
    throw readerError(
      'PARQUET_UNSUPPORTED_ENCODING',
      `Column "${column}" of the Parquet file uses an encoding DMS cannot read. Write the file again with ` +
        `a current pandas, polars or pyarrow.`,
      { column },
    );
  }
  const end = Number(meta.dictionary_page_offset ?? meta.data_page_offset) + Number(meta.total_compressed_size);
  if (!(end <= size)) {
    throw damaged(`column "${column}" of row group ${group + 1} (it points past the end of the file)`, { rowGroup: group, column });
  }
}

/** The file's metadata, checked to be whole and readable before any row is: every refusal names what and where. */
export async function readMetadata(file: AsyncBuffer, path: string): Promise<FileMetaData> {
  await checkFrame(path, file.byteLength);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch {
    throw damaged('its footer (the metadata that describes its columns)');
  }
  const { row_groups: groups, schema } = metadata;
  if (!Array.isArray(groups) || !Array.isArray(schema) || schema.length < 2) throw damaged('its schema');
  metadata.row_groups.forEach((group, index) => {
    if (!Array.isArray(group.columns) || !(Number(group.num_rows) >= 0)) {
      throw damaged(`the metadata of row group ${index + 1}`, { rowGroup: index });
    }
    for (const chunk of group.columns) checkColumn(chunk, index, file.byteLength);
  });
  return metadata;
}
