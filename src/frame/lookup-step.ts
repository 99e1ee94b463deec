import type { Frame, Value } from './frame.js';
import type { StepOf } from './steps.js';
import { columnIndex, ROW_ISSUE_CODES as CODES, withColumn, type StepOutput } from './step-context.js';
import { asText } from './expression/values.js';
import { rowMessage, type Said } from '../row-messages/index.js';

/**
 * Finds parent records by a field's value: for each value asked, the Ids of the `object` records whose
 * `field` equals it (compared as Salesforce compares, e.g. text without regard to case). A value no record
 * has may be absent from the answer. Implemented against an org by the lookups room; the frame only asks.
 */
export interface LookupResolver {
  resolve(object: string, field: string, values: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>>;
}

const cellText = (value: Value): string => asText(value).trim();

/**
 * Writes the one matching parent's Id into `into`. A blank cell looks up nothing (the Id stays null); no
 * match or several fail the row on `into` (the column the mapping reads). Without a resolver (a preview
 * with no connection) every non-blank cell gets a remark saying so, and `into` stays empty.
 */
export async function lookup(
  frame: Frame, step: StepOf<'lookup'>, resolver: LookupResolver | undefined, out: StepOutput,
): Promise<Frame> {
  const source = frame.data[columnIndex(frame, step.column, 'lookup')];
  const texts = source.map(cellText);
  const asked = [...new Set(texts.filter((text) => text !== ''))];
  const found = resolver && asked.length > 0 ? await resolver.resolve(step.object, step.field, asked) : new Map<string, string[]>();
  const ids = texts.map((text, r): Value => {
    if (text === '') return null;
    const row = frame.rows[r];
    const issue = (code: string, { message, i18n }: Said, remark = false) => {
      out.issues.push({ row, column: step.into, code, message, i18n, ...(remark ? { remark } : {}) });
      return null;
    };
    const about = { value: text, object: step.object, field: step.field, column: step.column };
    if (!resolver) return issue(CODES.lookupNoConnection, rowMessage('row.lookup.noConnection', about), true);
    const matches = found.get(text) ?? [];
    if (matches.length === 0) return issue(CODES.lookupNotFound, rowMessage('row.lookup.notFound', about));
    if (matches.length > 1) {
      return issue(CODES.lookupAmbiguous, rowMessage('row.lookup.ambiguous', { ...about, count: matches.length }));
    }
    return matches[0];
  });
  return withColumn(frame, step.into, ids);
}
