import { readerError } from '../reader-error.js';
import type { XmlHandler, XmlTokenizer } from './xml.js';

const BLOCK_BYTES = 1024 * 1024;
/**
 * Most UTF-8 bytes (plus 12 per string) the shared-strings table may hold in memory. Cells name their strings by
 * index in any order, so the table is kept whole; this bound keeps the parser process under 512 MB whatever the
 * workbook (the decompression limit alone would allow 1 GB of text).
 */
export const MAX_SHARED_STRINGS_BYTES = 192 * 1024 * 1024;
const TOO_LONG = 0xffffffff;

/** The workbook's shared strings, copied into 1 MB UTF-8 blocks (no JS string per entry, no slice of a chunk kept). */
export class SharedStrings {
  private readonly blocks: Buffer[] = [];
  private used = BLOCK_BYTES;
  private blockOf = new Uint32Array(1024);
  private offsets = new Uint32Array(1024);
  private lengths = new Uint32Array(1024);
  private bytes = 0;
  count = 0;

  add(text: string | null): void {
    if (this.count === this.lengths.length) this.grow();
    const index = this.count++;
    if (text === null) {
      this.lengths[index] = TOO_LONG;
      return;
    }
    const length = Buffer.byteLength(text);
    this.bytes += length + 12;
    if (this.bytes > MAX_SHARED_STRINGS_BYTES) {
      throw readerError(
        'XLSX_TOO_LARGE',
        `The workbook's shared text holds more than ${MAX_SHARED_STRINGS_BYTES / 1024 / 1024} MB (at string ` +
          `${index + 1}); DMS reads workbooks up to that. Save the sheet as CSV (UTF-8) and upload that ` +
          `instead.`,
      );
    }
    if (this.used + length > BLOCK_BYTES) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(BLOCK_BYTES, length)));
      this.used = 0;
    }
    const block = this.blocks.length - 1;
    this.blocks[block].write(text, this.used);
    this.blockOf[index] = block;
    this.offsets[index] = this.used;
    this.lengths[index] = length;
    this.used += length;
  }

  /** The string, null when it was longer than the cell limit (the caller names the cell), undefined past the end. */
  get(index: number): string | null | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    const length = this.lengths[index];
    if (length === TOO_LONG) return null;
    const offset = this.offsets[index];
    return this.blocks[this.blockOf[index]].toString('utf8', offset, offset + length);
  }

  private grow(): void {
    const larger = (array: Uint32Array) => {
      const copy = new Uint32Array(array.length * 2);
      copy.set(array);
      return copy;
    };
    this.blockOf = larger(this.blockOf);
    this.offsets = larger(this.offsets);
    this.lengths = larger(this.lengths);
  }
}

/** xl/sharedStrings.xml: each <si> is one string, its <t> runs joined; phonetic guides (<rPh>) left out. */
export class SharedStringsReader implements XmlHandler {
  readonly strings = new SharedStrings();
  tokenizer?: XmlTokenizer;
  private text = '';
  private tooLong = false;
  private inPhonetic = false;

  constructor(private readonly maxCellChars: number) {}

  start(name: string): void {
    if (name === 'si') {
      this.text = '';
      this.tooLong = false;
    } else if (name === 'rPh') this.inPhonetic = true;
    else if (name === 't' && !this.inPhonetic && !this.tooLong && this.tokenizer) {
      this.tokenizer.collect = { limit: this.maxCellChars - this.text.length, onTooLong: () => (this.tooLong = true) };
    }
  }

  end(name: string): void {
    if (name === 't' && !this.inPhonetic && this.tokenizer) {
      this.tokenizer.collect = null;
      const text = this.tokenizer.takeText();
      if (!this.tooLong) this.text += text;
    } else if (name === 'rPh') this.inPhonetic = false;
    else if (name === 'si') this.strings.add(this.tooLong ? null : this.text);
  }
}
