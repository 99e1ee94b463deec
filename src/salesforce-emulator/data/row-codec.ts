import type { Row, Value } from './table.js';

const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const NUMBER = 3;
/** A string of single-byte characters (ASCII) under 64 KB: u16 length, decoded as latin1 (fast). */
const ASCII = 4;
/** Any other string: u32 byte length, UTF-8. */
const TEXT = 5;

const lengths: number[] = [];

/**
 * The binary form of a row: u16 value count, then per value a tag byte and its bytes. A reader can skip to one
 * value by lengths alone, so a scan that needs two fields never decodes the other fifteen.
 */
export function encodedSize(row: Row): number {
  let size = 2;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'string') {
      const bytes = Buffer.byteLength(v);
      lengths[i] = bytes;
      size += bytes === v.length && bytes < 65536 ? 3 + bytes : 5 + bytes;
    } else size += typeof v === 'number' ? 9 : 1;
  }
  return size;
}

/** Writes `row` at `at` (call encodedSize(row) first: it measures the strings this writes). */
export function encodeRow(row: Row, out: Buffer, at: number): void {
  out.writeUInt16LE(row.length, at);
  let p = at + 2;
  for (let i = 0; i < row.length; i++) {
    const v = row[i] ?? null;
    if (typeof v === 'string') {
      const bytes = lengths[i];
      if (bytes === v.length && bytes < 65536) {
        out[p] = ASCII;
        out.writeUInt16LE(bytes, p + 1);
        if (bytes < 64) for (let k = 0; k < bytes; k++) out[p + 3 + k] = v.charCodeAt(k);
        else out.write(v, p + 3, bytes, 'latin1');
        p += 3 + bytes;
      } else {
        out[p] = TEXT;
        out.writeUInt32LE(bytes, p + 1);
        out.write(v, p + 5, bytes, 'utf8');
        p += 5 + bytes;
      }
    } else if (typeof v === 'number') {
      out[p] = NUMBER;
      out.writeDoubleLE(v, p + 1);
      p += 9;
    } else out[p++] = v === null ? NULL : v ? TRUE : FALSE;
  }
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
