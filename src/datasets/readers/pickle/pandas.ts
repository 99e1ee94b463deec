import { arrayElements, arrayRows } from './numpy.js';
import { NpArray, PyInstance, PySlice } from './objects.js';

/** A table by columns, as rebuilt from a pickled pandas object. */
export interface ColumnTable {
  names: unknown[];
  columns: unknown[][];
}

const isA = (value: unknown, name: string): boolean => value instanceof PyInstance && value.cls.endsWith(`.${name}`);
const stateMap = (value: PyInstance): Map<unknown, unknown> => (value.state instanceof Map ? value.state : new Map());

/** NDArrayBacked state is (dtype, ndarray, attrs) in pandas >= 1.3, a dict with _data/_ndarray before. */
function backing(value: PyInstance): { dtype: unknown; data: unknown } {
  if (Array.isArray(value.state)) return { dtype: value.state[0], data: value.state[1] };
  const state = stateMap(value);
  return { dtype: state.get('_dtype'), data: state.get('_ndarray') ?? state.get('_data') ?? state.get('_codes') };
}

/** The values of a block or index as one array per column (a 1-D source is one column). */
function valueColumns(values: unknown): unknown[][] {
  if (values instanceof NpArray) return arrayRows(values);
  if (!(values instanceof PyInstance)) throw new Error('a pandas block whose values are not an array.');
  if (isA(values, 'Categorical')) {
    const { dtype, data } = backing(values);
    const codes = stateMap(values).get('_codes') ?? data;
    const categories = dtype instanceof PyInstance ? indexValues(stateMap(dtype).get('categories')) : [];
    return valueColumns(codes).map((column) => column.map((code) => (Number(code) < 0 ? null : categories[Number(code)])));
  }
  if (isA(values, 'IntegerArray') || isA(values, 'FloatingArray') || isA(values, 'BooleanArray')) {
    const state = stateMap(values);
    const data = valueColumns(state.get('_data'));
    const mask = valueColumns(state.get('_mask'));
    return data.map((column, c) => column.map((value, r) => (mask[c][r] ? null : value)));
  }
  if (values.cls.startsWith('pandas.core.arrays.')) return valueColumns(backing(values).data);
  throw new Error(`pandas array type ${values.cls} is not supported.`);
}

function indexValues(index: unknown): unknown[] {
  if (!(index instanceof PyInstance)) return index instanceof NpArray ? arrayElements(index) : [];
  const state = stateMap(index);
  if (isA(index, 'RangeIndex')) {
    const [start, stop, step] = ['start', 'stop', 'step'].map((key) => Number(state.get(key) ?? (key === 'step' ? 1 : 0)));
    const length = Math.max(0, Math.ceil((stop - start) / step));
    return Array.from({ length }, (_, i) => start + i * step);
  }
  if (isA(index, 'MultiIndex')) throw new Error('a MultiIndex is not supported: reset_index() before pickling.');
  return valueColumns(state.get('data')).flat();
}

function isDefaultRange(index: unknown): boolean {
  if (!(index instanceof PyInstance) || !isA(index, 'RangeIndex')) return false;
  const state = stateMap(index);
  return (state.get('name') ?? null) === null && Number(state.get('start') ?? 0) === 0 && Number(state.get('step') ?? 1) === 1;
}

function placementIndices(placement: unknown): number[] {
  if (placement instanceof PySlice) {
    const start = placement.start ?? 0;
    const step = placement.step ?? 1;
    const stop = placement.stop ?? start;
    return Array.from({ length: Math.max(0, Math.ceil((stop - start) / step)) }, (_, i) => start + i * step);
  }
  if (placement instanceof NpArray) return arrayElements(placement).map(Number);
  throw new Error('a pandas block placement that is neither a slice nor an array.');
}

/** Blocks and axes of a (Single)BlockManager: REDUCE(blocks, axes) in pandas >= 1.x, BUILD(state) before. */
function managerParts(manager: unknown): { blocks: { values: unknown; placement: unknown }[]; axes: unknown[] } {
  if (!(manager instanceof PyInstance)) throw new Error('a DataFrame without its block manager.');
  if (manager.args.length >= 2) {
    const blocks = (Array.isArray(manager.args[0]) ? manager.args[0] : [manager.args[0]]) as PyInstance[];
    const axes = (Array.isArray(manager.args[1]) ? manager.args[1] : [manager.args[1]]) as unknown[];
    return { blocks: blocks.map((block) => ({ values: block.args[0], placement: block.args[1] })), axes };
  }
  const extra = (manager.state as unknown[])?.[3];
  const current = extra instanceof Map ? (extra.get('0.14.1') as Map<unknown, unknown>) : undefined;
  if (!current) throw new Error('a pandas block manager in a layout older than pandas 0.14.1.');
  const blocks = (current.get('blocks') as Map<unknown, unknown>[]).map((block) => ({ values: block.get('values'), placement: block.get('mgr_locs') }));
  return { blocks, axes: current.get('axes') as unknown[] };
}

/** A pickled DataFrame or Series as columns; a named or non-default index becomes the first column unless dropped. */
export function pandasTable(object: PyInstance, keepIndex: boolean): ColumnTable {
  const state = stateMap(object);
  const { blocks, axes } = managerParts(state.get('_mgr') ?? state.get('_data'));
  const series = isA(object, 'Series');
  const rowIndex = series ? axes[0] : axes[1];
  const names: unknown[] = series ? [state.get('name') ?? 'value'] : indexValues(axes[0]);
  const columns: unknown[][] = new Array(names.length);
  for (const block of blocks) {
    const values = valueColumns(block.values);
    const locations = series ? [0] : placementIndices(block.placement);
    locations.forEach((location, k) => (columns[location] = values[k]));
  }
  if (!keepIndex || isDefaultRange(rowIndex)) return { names, columns };
  const indexName = rowIndex instanceof PyInstance ? stateMap(rowIndex).get('name') : null;
  return { names: [indexName ?? 'index', ...names], columns: [indexValues(rowIndex), ...columns] };
}

export const isPandasObject = (value: unknown): value is PyInstance => value instanceof PyInstance && (isA(value, 'DataFrame') || isA(value, 'Series'));
