import { toIntegerValue } from './text-literals.js';
import { NpArray, type NpDtype } from './objects.js';

const NAT = -(2n ** 63n);
const MS_PER_UNIT: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, D: 86_400_000, W: 604_800_000 };

/** A datetime64 count in `unit` since the epoch as a Date (NaT -> null). */
export function datetimeFromCount(count: bigint, unit: string): Date | null {
  if (count === NAT) return null;
  const scale = MS_PER_UNIT[unit];
  if (scale === undefined) throw new Error(`datetime64 unit "${unit}" is not supported.`);
  // Whole milliseconds in BigInt first, so nanosecond counts keep their precision down to the millisecond.
  const ms = scale < 1 ? Number(count / BigInt(Math.round(1 / scale))) : Number(count) * scale;
  return new Date(ms);
}

/** One element of a fixed-size dtype at byte offset `at`. */
function element(view: DataView, bytes: Uint8Array, at: number, dtype: NpDtype): unknown {
  const little = dtype.littleEndian;
  const size = dtype.itemSize;
  switch (dtype.kind) {
    case 'b': return view.getUint8(at) !== 0;
    case 'i':
      if (size === 1) return view.getInt8(at);
      if (size === 2) return view.getInt16(at, little);
      if (size === 4) return view.getInt32(at, little);
      return toIntegerValue(view.getBigInt64(at, little));
    case 'u':
      if (size === 1) return view.getUint8(at);
      if (size === 2) return view.getUint16(at, little);
      if (size === 4) return view.getUint32(at, little);
      return toIntegerValue(view.getBigUint64(at, little));
    case 'f': {
      if (size !== 4 && size !== 8) throw new Error(`numpy dtype "${dtype.code}" (${size * 8}-bit float) is not supported.`);
      const value = size === 4 ? view.getFloat32(at, little) : view.getFloat64(at, little);
      return Number.isNaN(value) ? null : value;
    }
    case 'M': return datetimeFromCount(view.getBigInt64(at, little), dtype.unit);
    case 'm': {
      const count = view.getBigInt64(at, little);
      return count === NAT ? null : toIntegerValue(count);
    }
    case 'U': {
      const chars: number[] = [];
      for (let k = 0; k < size; k += 4) {
        const code = view.getUint32(at + k, little);
        if (code === 0) break;
        chars.push(code);
      }
      return String.fromCodePoint(...chars);
    }
    case 'S': {
      const slice = bytes.subarray(at, at + size);
      const end = slice.indexOf(0);
      return Buffer.from(end === -1 ? slice : slice.subarray(0, end)).toString('utf8');
    }
    default:
      throw new Error(`numpy dtype "${dtype.code}" is not supported.`);
  }
}

/** All elements in memory order (C or Fortran, as stored). */
export function arrayElements(array: NpArray): unknown[] {
  if (Array.isArray(array.data)) return array.data;
  const dtype = array.dtype;
  if (!dtype) throw new Error('a numpy array without a dtype.');
  const bytes = array.data;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = dtype.itemSize;
  const count = Math.floor(bytes.byteLength / size);
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = element(view, bytes, i * size, dtype);
  return out;
}

/** The rows of a 2-D array (shape [rows, cols]) as arrays; a 1-D array is one row. */
export function arrayRows(array: NpArray): unknown[][] {
  const flat = arrayElements(array);
  if (array.shape.length < 2) return [flat];
  const [rows, cols] = array.shape;
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => flat[array.fortran ? c * rows + r : r * cols + c]),
  );
}

/** numpy.core.multiarray.scalar(dtype, bytes): a numpy scalar inside an object column. */
export function numpyScalar(dtype: NpDtype, bytes: Uint8Array): unknown {
  const array = new NpArray();
  array.dtype = dtype;
  array.shape = [1];
  array.data = bytes;
  return arrayElements(array)[0];
}
