import type { TemplateDoc } from './model.js';
import { followColumns, type MissingColumn } from './column-flow.js';

/** A dataset column: its name and, when profiled, its type (datasets profile: integer, number, date, string, ...). */
export type DatasetColumn = string | { name: string; type?: string };

export interface TypeConcern { column: string; expected: string; actual: string; message: string }

export interface Compatibility {
  compatible: boolean;
  missingColumns: MissingColumn[];
  /** Columns of the dataset the template never reads: they will be ignored. */
  extraColumns: string[];
  typeConcerns: TypeConcern[];
  /** One sentence per finding, for the page and the API. */
  messages: string[];
}

/** Types whose values the expected type still reads: an integer column where numbers were, a date where date-times were. */
const NARROWER: Record<string, string[]> = { number: ['integer'], datetime: ['date'], string: ['integer', 'number', 'boolean', 'date', 'datetime'] };

function concern(column: string, expected: string | undefined, actual: string | undefined): TypeConcern | null {
  if (!expected || !actual || expected === actual || expected === 'empty') return null;
  if (actual === 'empty') return { column, expected, actual, message: `Column '${column}' has no values in this dataset (it held ${expected} values in the template's dataset).` };
  if (NARROWER[expected]?.includes(actual)) return null;
  return { column, expected, actual, message: `Column '${column}' holds ${actual} values here but ${expected} values in the template's dataset: check the casts and the mapped field's type.` };
}

/**
 * Whether a template applies to a dataset: every column its pipeline and mapping read must exist
 * (missing ones make it incompatible); columns it ignores and columns whose profiled type changed
 * since the template's own dataset are explained but do not block it.
 */
export function checkCompatibility(template: Pick<TemplateDoc, 'pipeline' | 'mapping' | 'sourceColumns'>, datasetColumns: readonly DatasetColumn[]): Compatibility {
  const columns = datasetColumns.map((c) => (typeof c === 'string' ? { name: c } : c));
  const names = columns.map((c) => c.name);
  const flow = followColumns(names, template.pipeline, template.mapping);
  const extraColumns = names.filter((n) => !flow.used.has(n));
  const expected = new Map(template.sourceColumns.map((c) => [c.name, c.type]));
  const typeConcerns = columns.flatMap((c) => {
    const found = flow.used.has(c.name) ? concern(c.name, expected.get(c.name), c.type) : null;
    return found ? [found] : [];
  });
  const messages = [
    ...flow.missing.map((m) => `Column '${m.column}' is missing: ${m.usedBy} reads it.`),
    ...(extraColumns.length > 0 ? [`${extraColumns.length} column(s) are not used by the template and will be ignored: ${extraColumns.join(', ')}.`] : []),
    ...typeConcerns.map((t) => t.message),
  ];
  return { compatible: flow.missing.length === 0, missingColumns: flow.missing, extraColumns, typeConcerns, messages };
}
