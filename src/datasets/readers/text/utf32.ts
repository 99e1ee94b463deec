/** A 4-byte UTF-32 code unit that is not a Unicode scalar value (too large, or a surrogate). */
export class Utf32Invalid extends Error {
  constructor(readonly byteOffset: number) {
    super(`invalid UTF-32 code unit at byte ${byteOffset}`);
  }
}

const isScalar = (value: number): boolean => value <= 0x10ffff && (value < 0xd800 || value > 0xdfff);

const unitAt = (bytes: Uint8Array, at: number, bigEndian: boolean): number =>
  bigEndian
    ? ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0
    : ((bytes[at + 3] << 24) | (bytes[at + 2] << 16) | (bytes[at + 1] << 8) | bytes[at]) >>> 0;

/**
 * Text characters: no C0 control but tab, line feed and carriage return, no DEL or C1 control, and within planes
 * 0-3, where every assigned character but tags and private use lives. (UTF-16 text read as UTF-32 gives units in
 * the empty planes 4-13, or controls: whitespace "20 00 0A 00" would be U+A0020.)
 */
const isTextCharacter = (value: number): boolean =>
  (value >= 0x20 && (value < 0x7f || value > 0x9f) && value < 0x40000) || value === 0x09 || value === 0x0a || value === 0x0d;

/**
 * Whether `bytes` have the shape of UTF-32 text: at least two whole 4-byte units, each a Unicode scalar value that
 * is a text character (no NUL, no control). Binary data almost never passes: most of its units are out of range.
 */
export function looksLikeUtf32(bytes: Uint8Array, bigEndian: boolean): boolean {
  const units = Math.floor(bytes.length / 4);
  if (units < 2) return false;
  for (let i = 0; i < units; i++) {
    const value = unitAt(bytes, i * 4, bigEndian);
    if (!isScalar(value) || !isTextCharacter(value)) return false;
  }
  return true;
}

/**
 * A strict streaming UTF-32 decoder (iconv-lite would turn a bad unit into U+FFFD silently). A leading
 * byte-order mark is dropped; so is a two-byte UTF-16 mark of the same byte order put in front of UTF-32 text.
 */
export class Utf32Decoder {
  private carry: Buffer = Buffer.alloc(0);
  private started = false;
  private markPending = true;
  private bytesSeen = 0;

  constructor(private readonly bigEndian: boolean) {}

  write(chunk: Buffer): string {
    let bytes: Buffer = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let base = this.bytesSeen - this.carry.length;
    if (!this.started) {
      if (bytes.length < 4) {
        this.carry = bytes;
        this.bytesSeen += chunk.length;
        return '';
      }
      this.started = true;
      const utf16Mark = this.bigEndian ? bytes[0] === 0xfe && bytes[1] === 0xff : bytes[0] === 0xff && bytes[1] === 0xfe;
      if (utf16Mark && !isScalar(unitAt(bytes, 0, this.bigEndian))) {
        bytes = bytes.subarray(2);
        base += 2;
      }
    }
    this.bytesSeen += chunk.length;
    const whole = bytes.length - (bytes.length % 4);
    this.carry = Buffer.from(bytes.subarray(whole));
    const units = new Uint16Array(whole / 2);
    let n = 0;
    for (let at = 0; at < whole; at += 4) {
      const value = unitAt(bytes, at, this.bigEndian);
      if (!isScalar(value)) throw new Utf32Invalid(base + at);
      if (value < 0x10000) units[n++] = value;
      else {
        units[n++] = 0xd800 + ((value - 0x10000) >> 10);
        units[n++] = 0xdc00 + ((value - 0x10000) & 0x3ff);
      }
    }
    const text = Buffer.from(units.buffer, 0, n * 2).toString('utf16le');
    if (!this.markPending || text === '') return text;
    this.markPending = false;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** Throws when the text ends inside a 4-byte unit. */
  end(): string {
    if (this.carry.length > 0) throw new Utf32Invalid(this.bytesSeen - this.carry.length);
    return '';
  }
}
