import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Store } from '../../store/index.js';
import type { DatasetDoc } from '../model.js';
import { cellText, rowsOf, type Write } from './rows.js';

/**
 * A ByteWriter that hands its bytes to the download after each row group (ParquetWriter awaits flush), so the file is
 * streamed: one chunk's row group in memory at a time.
 */
class StreamingWriter extends ByteWriter {
  constructor(private readonly write: Write) {
    super(1024 * 1024);
  }

  async flush(): Promise<void> {
    const bytes = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    await this.write(bytes);
  }
}

/** Every column an optional UTF-8 string (any reader's or Salesforce's value round-trips), a row group per chunk. */
export async function writeParquet(store: Store, doc: DatasetDoc, write: Write): Promise<void> {
  const writer = new StreamingWriter(write);
  const schema = [
    { name: 'root', num_children: doc.columns.length },
    ...doc.columns.map((name) => ({
      name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const,
    })),
  ];
  const parquet = new ParquetWriter({ writer, schema, codec: 'SNAPPY', createdBy: 'DMS' });
  for await (const rows of rowsOf(store, doc)) {
    const columnData = doc.columns.map((name, c) => ({
      name, data: rows.map((row) => (row[c] === null ? null : cellText(row[c]))),
    }));
    await parquet.write({ columnData, rowGroupSize: rows.length });
  }
  await parquet.finish();
  await writer.flush();
}
