import { datetimeFromCount, numpyScalar } from './numpy.js';
import { NpArray, NpDtype, PyGlobal, PyInstance, PySlice } from './objects.js';

type Call = (args: unknown[]) => unknown;

/** Old and new spellings of the same module (numpy 2 moved numpy.core to numpy._core; Python 2 names). */
function canonicalModule(module: string): string {
  if (module.startsWith('numpy._core')) return `numpy.core${module.slice('numpy._core'.length)}`;
  if (module === '__builtin__') return 'builtins';
  if (module === 'copy_reg') return 'copyreg';
  return module;
}

const bytesOf = (value: unknown): Uint8Array => {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'latin1');
  throw new Error('expected bytes.');
};

function pythonDatetime([state]: unknown[]): Date {
  const b = bytesOf(state);
  if (b.length < 10) throw new Error('datetime.datetime needs its 10-byte state.');
  const micro = (b[7] << 16) | (b[8] << 8) | b[9];
  return new Date(Date.UTC((b[0] << 8) | b[1], b[2] - 1, b[3], b[4], b[5], b[6], Math.floor(micro / 1000)));
}

function pythonDate([state]: unknown[]): Date {
  const b = bytesOf(state);
  return new Date(Date.UTC((b[0] << 8) | b[1], b[2] - 1, b[3]));
}

function decimal([text]: unknown[]): number | string {
  const value = Number(text);
  return Number.isFinite(value) && String(value) === String(text).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') ? value : String(text);
}

/** pandas' reso enum (NPY_DATETIMEUNIT): 7 s, 8 ms, 9 us, 10 ns. */
const RESOLUTIONS: Record<number, string> = { 7: 's', 8: 'ms', 9: 'us', 10: 'ns' };

/** Functions the pickle may call, each rebuilt here as a pure function of its arguments. */
const FUNCTIONS: Record<string, Call> = {
  'numpy.core.multiarray._reconstruct': () => new NpArray(),
  'numpy.core.numeric._frombuffer': ([buffer, dtype, shape, order]) => {
    const array = new NpArray();
    array.data = bytesOf(buffer);
    array.dtype = dtype as NpDtype;
    array.shape = (shape as number[]).map(Number);
    array.fortran = order === 'F';
    return array;
  },
  'numpy.dtype': ([code]) => new NpDtype(String(code)),
  'numpy.core.multiarray.scalar': ([dtype, bytes]) => (dtype instanceof NpDtype && dtype.kind !== 'O' ? numpyScalar(dtype, bytesOf(bytes)) : bytes),
  'builtins.slice': ([start, stop, step]) => new PySlice(start as number | null, stop as number | null, (step ?? null) as number | null),
  'builtins.set': ([items]) => new Set((items as unknown[]) ?? []),
  'builtins.frozenset': ([items]) => new Set((items as unknown[]) ?? []),
  'builtins.bytearray': ([items]) => (items === undefined ? new Uint8Array() : bytesOf(items)),
  'builtins.object': () => new PyInstance('builtins.object'),
  '_codecs.encode': ([text, encoding]) => {
    if (encoding !== 'latin1' && encoding !== 'latin-1') throw new Error(`_codecs.encode with ${String(encoding)} is not supported.`);
    return Buffer.from(String(text), 'latin1');
  },
  'copyreg._reconstructor': ([cls]) => {
    if (!(cls instanceof PyGlobal) || FUNCTIONS[cls.path]) throw new Error('copyreg._reconstructor of something that is not an allowed class.');
    return new PyInstance(cls.path);
  },
  'collections.OrderedDict': () => new Map(),
  'datetime.datetime': pythonDatetime,
  'datetime.date': pythonDate,
  'decimal.Decimal': decimal,
  'pandas._libs.internals._unpickle_block': ([values, placement]) => new PyInstance('pandas.block', [values, placement]),
  'pandas.core.indexes.base._new_Index': ([cls, state]) => withState((cls as PyGlobal).path, state),
  'pandas.core.indexes.datetimes._new_DatetimeIndex': ([cls, state]) => withState((cls as PyGlobal).path, state),
  'pandas._libs.arrays.__pyx_unpickle_NDArrayBacked': ([cls, , state]) => withState((cls as PyGlobal).path, state ?? undefined),
  'pandas._libs.tslibs.timestamps._unpickle_timestamp': ([value, , , reso]) => datetimeFromCount(BigInt(value as number | bigint), RESOLUTIONS[Number(reso ?? 10)] ?? 'ns'),
  'pandas._libs.tslibs.nattype.__nat_unpickle': () => null,
};

function withState(cls: string, state: unknown): PyInstance {
  const instance = new PyInstance(cls);
  instance.state = state;
  return instance;
}

/** Classes that may be instantiated as inert records (their meaning is read later, in pandas.ts). */
const CLASSES = new Set([
  'numpy.ndarray',
  'pandas.core.frame.DataFrame', 'pandas.core.series.Series',
  'pandas.core.internals.managers.BlockManager', 'pandas.core.internals.managers.SingleBlockManager',
  'pandas.core.indexes.base.Index', 'pandas.core.indexes.range.RangeIndex', 'pandas.core.indexes.datetimes.DatetimeIndex',
  'pandas.core.indexes.numeric.Int64Index', 'pandas.core.indexes.numeric.UInt64Index', 'pandas.core.indexes.numeric.Float64Index',
  'pandas.core.indexes.numeric.NumericIndex',
  'pandas.core.arrays.datetimes.DatetimeArray', 'pandas.core.arrays.timedeltas.TimedeltaArray',
  'pandas.core.arrays.categorical.Categorical', 'pandas.core.arrays.string_.StringArray',
  'pandas.core.arrays.integer.IntegerArray', 'pandas.core.arrays.floating.FloatingArray', 'pandas.core.arrays.boolean.BooleanArray',
  'pandas.core.dtypes.dtypes.DatetimeTZDtype', 'pandas.core.dtypes.dtypes.CategoricalDtype',
  'pandas.core.arrays.string_.StringDtype', 'pandas.core.arrays.integer.Int64Dtype', 'pandas.core.arrays.integer.Int32Dtype',
  'pandas.core.arrays.floating.Float64Dtype', 'pandas.core.arrays.boolean.BooleanDtype',
  'datetime.timezone', 'datetime.timedelta', 'datetime.time', 'pytz._UTC', 'pytz._p', 'pytz.timezone', 'zoneinfo.ZoneInfo._unpickle',
]);

/** Time zones and frequency objects carry no row data: accepted as inert records. */
const INERT_MODULES = ['pandas._libs.tslibs.offsets', 'dateutil.tz.tz'];

/** The allow-list: a marker for an allowed global, or null (the caller refuses it by name). */
export function resolveGlobal(module: string, name: string): PyGlobal | null {
  const path = `${canonicalModule(module.trim())}.${name.trim()}`;
  const inert = INERT_MODULES.some((prefix) => path.startsWith(`${prefix}.`));
  return FUNCTIONS[path] || CLASSES.has(path) || inert ? new PyGlobal(path) : null;
}

/** REDUCE (call) or NEWOBJ/INST/OBJ (new) on an allowed global. */
export function callGlobal(callable: unknown, args: unknown[], kind: 'call' | 'new'): unknown {
  if (!(callable instanceof PyGlobal)) throw new Error(`${kind === 'call' ? 'REDUCE' : 'NEWOBJ'} on something that is not a class or function.`);
  const fn = FUNCTIONS[callable.path];
  if (fn) return fn(args);
  return new PyInstance(callable.path, args);
}

/** BUILD: __setstate__ for the objects we model; dict state merges into dicts. */
export function buildObject(target: unknown, state: unknown): void {
  if (target instanceof NpArray) {
    const [, shape, dtype, fortran, data] = state as unknown[];
    target.shape = (shape as unknown[]).map(Number);
    target.dtype = dtype as NpDtype;
    target.fortran = Boolean(fortran);
    target.data = Array.isArray(data) ? data : bytesOf(data);
  } else if (target instanceof NpDtype) {
    target.state = state as unknown[];
  } else if (target instanceof PyInstance) {
    target.state = state;
  } else if (target instanceof Map && state instanceof Map) {
    for (const [key, value] of state) target.set(key, value);
  } else {
    throw new Error('BUILD on an object that cannot take state.');
  }
}
