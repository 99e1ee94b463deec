import type { Value } from '../data/table.js';
import type { FieldDescribe } from '../describe/field.js';
import { compareValues, kindOf, normalize } from './values.js';

export interface SortKey<T> {
  field: FieldDescribe;
  get: (item: T) => Value;
  descending: boolean;
  nullsLast: boolean;
}

/** Sorts items by the keys (ORDER BY): text case-insensitively, nulls first unless NULLS LAST (DESC defaults to NULLS LAST). */
export function sortBy<T>(items: T[], keys: SortKey<T>[]): T[] {
  if (keys.length === 0) return items;
  const prepared = keys.map((k) => ({ ...k, kind: kindOf(k.field) }));
  const decorated = items.map((item) => ({ item, values: prepared.map((k) => normalize(k.kind, k.get(item))) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < prepared.length; i++) {
      const x = a.values[i];
      const y = b.values[i];
      if (x === y) continue;
      if (x === null || y === null) return (x === null) === prepared[i].nullsLast ? 1 : -1;
      const n = compareValues(x, y);
      if (n !== 0) return prepared[i].descending ? -n : n;
    }
    return 0;
  });
  return decorated.map((d) => d.item);
}

/** Applies OFFSET then LIMIT (without either, the items themselves: a large result is not copied). */
export function page<T extends { slice(start?: number, end?: number): T }>(items: T, offset: number | undefined, limit: number | undefined): T {
  if (offset === undefined && limit === undefined) return items;
  const from = offset ?? 0;
  return items.slice(from, limit === undefined ? undefined : from + limit);
}
