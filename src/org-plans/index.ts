export { orderObjects, type PlanOrder, type DeferredLookup } from './order.js';
export { writeIdMapChunk, IdMapReader, deleteIdMap, ID_MAP_CHUNK_PAIRS } from './id-map.js';
export { remapLookups, type LookupColumn, type UnmappedLookups } from './remap.js';
