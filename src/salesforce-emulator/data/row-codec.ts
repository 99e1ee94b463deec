import type { Row, Value } from './table.js';

const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const NUMBER = 3;
/** A string of single-byte characters (ASCII) under 64 KB: u16 length, decoded as latin1 (fast). */
const ASCII = 4;
/** Any other string: u32 byte length, UTF-8. */
const TEXT = 5;

/** Text under this many UTF-16 units is tested for ASCII while it is copied (cheaper than asking its UTF-8 length). */
const SHORT_TEXT = 64;

/**
 * The binary form of a row: u16 value count, then per value a tag byte and its bytes. A reader can skip to one
 * value by lengths alone, so a scan that needs two fields never decodes the other fifteen. At most this many bytes
 * (text counted at 3 bytes per UTF-16 unit: lengths only, nothing measured).
 */
export function maxEncodedSize(row: Row): number {
  let size = 2;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    size += typeof v === 'string' ? 5 + 3 * v.length : typeof v === 'number' ? 9 : 1;
  }
  return size;
}

/** Writes `text` at `p` as ASCII (u16 length, one byte a character) or TEXT (u32 length, UTF-8); answers its end. */
function writeText(text: string, out: Buffer, p: number): number {
  const n = text.length;
  if (n < SHORT_TEXT) {
    let k = 0;
    for (; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c >= 0x80) break;
      out[p + 3 + k] = c;
    }
    if (k === n) {
      out[p] = ASCII;
      out.writeUInt16LE(n, p + 1);
      return p + 3 + n;
    }
  }
  const bytes = out.write(text, p + 5, 'utf8');
  // As many bytes as characters: ASCII after all, moved to where its shorter header ends.
  if (bytes === n && n < 65536) {
    out.copyWithin(p + 3, p + 5, p + 5 + n);
    out[p] = ASCII;
    out.writeUInt16LE(n, p + 1);
    return p + 3 + n;
  }
  out[p] = TEXT;
  out.writeUInt32LE(bytes, p + 1);
  return p + 5 + bytes;
}

/** Writes `row` at `at` (with room for maxEncodedSize(row) bytes after it) and answers how many bytes it took. */
export function encodeRow(row: Row, out: Buffer, at: number): number {
  out.writeUInt16LE(row.length, at);
  let p = at + 2;
  for (let i = 0; i < row.length; i++) {
    const v = row[i] ?? null;
    if (typeof v === 'string') p = writeText(v, out, p);
    else if (typeof v === 'number') {
      out[p] = NUMBER;
      out.writeDoubleLE(v, p + 1);
      p += 9;
    } else out[p++] = v === null ? NULL : v ? TRUE : FALSE;
  }
  return p - at;
}

/** Where the value after the last one read starts (set by valueAt, so reading allocates nothing but values). */
let after = 0;

/** The value at `p` (null when not `decode`), leaving its end in `after`. */
function valueAt(buf: Buffer, p: number, decode: boolean): Value {
  switch (buf[p]) {
    case NULL: after = p + 1; return null;
    case FALSE: after = p + 1; return false;
    case TRUE: after = p + 1; return true;
    case NUMBER: after = p + 9; return decode ? buf.readDoubleLE(p + 1) : null;
    case ASCII:
      after = p + 3 + buf.readUInt16LE(p + 1);
      return decode ? buf.toString('latin1', p + 3, after) : null;
    default:
      after = p + 5 + buf.readUInt32LE(p + 1);
      return decode ? buf.toString('utf8', p + 5, after) : null;
  }
}

export function decodeRow(buf: Buffer, start: number): Row {
  const count = buf.readUInt16LE(start);
  const row: Row = new Array<Value>(count);
  after = start + 2;
  for (let i = 0; i < count; i++) row[i] = valueAt(buf, after, true);
  return row;
}

/** Sets `probe[s]` for each slot in `slots` (ascending) from the row at `start`, decoding nothing else. */
export function decodeSlots(buf: Buffer, start: number, slots: number[], probe: Row): void {
  const count = buf.readUInt16LE(start);
  after = start + 2;
  let next = 0;
  for (let i = 0; i < count && next < slots.length; i++) {
    const wanted = slots[next] === i;
    const value = valueAt(buf, after, wanted);
    if (wanted) probe[slots[next++]] = value;
  }
  for (; next < slots.length; next++) probe[slots[next]] = null;
}
