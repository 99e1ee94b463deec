export { ColumnProfile } from './schema.js';
export { DatasetProfiler } from './profiler.js';
export { COLUMN_TYPES, inferTextType, inferValueType, widenType, type ColumnType } from './infer.js';
