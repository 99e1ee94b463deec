import type { Row, Value } from '../data/table.js';
import { field as describeField, type FieldDescribe } from '../describe/field.js';
import type { AggregateCall } from '../../soql/ast.js';
import type { SoqlSource } from '../../soql/errors.js';
import type { FieldPath } from './paths.js';
import { compareValues, kindOf, normalize } from './values.js';

/** The rows sharing one combination of GROUP BY values. */
export interface Group {
  rows: Row[];
  /** The grouped values as stored (first row's), by lower-case path name. */
  keys: Map<string, Value>;
}

const NUMERIC_ONLY = new Set(['SUM', 'AVG']);

/** The field describing an aggregate's result: COUNT is an integer, SUM/AVG a double, MIN/MAX the field's own type. */
export function resultField(call: AggregateCall, path: FieldPath | null): FieldDescribe {
  if (call.fn === 'COUNT' || call.fn === 'COUNT_DISTINCT') return describeField(`${call.fn}()`, 'int');
  if (NUMERIC_ONLY.has(call.fn) || !path) return describeField(`${call.fn}()`, 'double');
  return path.field;
}

/** Refuses an aggregate over a field that does not support it, as an org does (caret at the field). */
export function checkAggregate(source: SoqlSource, call: AggregateCall, path: FieldPath | null): void {
  if (!path) return;
  const kind = kindOf(path.field);
  const longText = path.field.type === 'textarea' || path.field.type === 'base64';
  const minMax = call.fn === 'MIN' || call.fn === 'MAX';
  const refused = longText || (NUMERIC_ONLY.has(call.fn) && kind !== 'number') || (minMax && kind === 'boolean');
  if (refused) {
    throw source.malformed(call.argAt, `field ${path.field.name} does not support aggregate operator ${call.fn}`);
  }
}

/** Computes one aggregate over a group's rows. */
export function aggregateOf(call: AggregateCall, path: FieldPath | null, rows: Row[]): Value {
  if (!path) return rows.length;
  const kind = kindOf(path.field);
  const values = rows.map(path.get).filter((v): v is string | number | boolean => v !== null);
  switch (call.fn) {
    case 'COUNT': return values.length;
    case 'COUNT_DISTINCT': return new Set(values.map((v) => normalize(kind, v))).size;
    case 'SUM': return values.length ? (values as number[]).reduce((a, b) => a + b, 0) : null;
    case 'AVG': return values.length ? (values as number[]).reduce((a, b) => a + b, 0) / values.length : null;
    case 'MIN': case 'MAX': {
      let best: string | number | boolean | null = null;
      for (const v of values) {
        if (best === null) best = v;
        else {
          const n = compareValues(normalize(kind, v)!, normalize(kind, best)!);
          if (call.fn === 'MIN' ? n < 0 : n > 0) best = v;
        }
      }
      return best;
    }
  }
}

/** Splits rows by their GROUP BY values (text compares case-insensitively); no GROUP BY is one group. */
export function groupRows(rows: Row[], by: FieldPath[]): Group[] {
  if (by.length === 0) return [{ rows, keys: new Map() }];
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const values = by.map((p) => p.get(row));
    const key = JSON.stringify(by.map((p, i) => normalize(kindOf(p.field), values[i])));
    let group = groups.get(key);
    if (!group) {
      group = { rows: [], keys: new Map(by.map((p, i) => [p.name.toLowerCase(), values[i]])) };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()];
}
