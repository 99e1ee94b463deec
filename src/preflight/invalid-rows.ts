import { createGzip } from 'node:zlib';
import { invalidRowCsvLine, invalidRowsCsvHeader, type InvalidRow } from '../validation/index.js';

/** Stays under CouchDB/Cloudant's 10 MB attachment limit with room for the request around it. */
const MAX_GZIP_BYTES = 8 * 1024 * 1024;
/** Raw CSV cap: even badly compressing text then fits MAX_GZIP_BYTES. */
const MAX_RAW_BYTES = 64 * 1024 * 1024;

/**
 * The CSV of invalid rows (row number, the record as it would be sent, the reasons), gzip-compressed
 * as rows arrive so memory holds only the compressed bytes. Past the size caps further rows are
 * counted but not written, and `truncated` says so.
 */
export class InvalidRowsCsv {
  private readonly gzip = createGzip({ level: 6 });
  private readonly parts: Buffer[] = [];
  private compressed = 0;
  private raw = 0;
  private readonly done: Promise<void>;
  written = 0;
  truncated = false;

  constructor(private readonly keys: string[]) {
    this.gzip.on('data', (part: Buffer) => { this.parts.push(part); this.compressed += part.length; });
    this.done = new Promise((resolve, reject) => { this.gzip.on('end', resolve); this.gzip.on('error', reject); });
    this.push(invalidRowsCsvHeader(keys));
  }

  private push(text: string): void {
    this.raw += Buffer.byteLength(text);
    this.gzip.write(text);
  }

  add(row: InvalidRow): void {
    if (this.truncated || this.compressed > MAX_GZIP_BYTES || this.raw > MAX_RAW_BYTES) {
      this.truncated = true;
      return;
    }
    this.push(invalidRowCsvLine(this.keys, row));
    this.written++;
  }

  async finish(): Promise<Buffer> {
    this.gzip.end();
    await this.done;
    return Buffer.concat(this.parts);
  }
}
