import type { Services } from '../services.js';
import type { Translatable } from '../errors.js';
import type { PipelineStep, Value } from '../frame/index.js';
import { fieldByName, similarity, type DescribeSObjectResult, type Field, type Mapping } from '../mapping/index.js';
import { fieldChecker } from '../validation/index.js';
import { describeFor } from './describe.js';
import { previewSample } from './preview.js';

/** One step the transform page offers to add in one click, with the sentence that says why. */
export interface StepSuggestion {
  kind: 'dayFirstDates' | 'trim' | 'boolean' | 'picklist';
  columns: string[];
  step: PipelineStep;
  why: Translatable;
}

/** What the suggestions look at: the first rows of the file, the mapping and the object's describe. */
export interface SuggestionInput { columns: string[]; rows: Value[][]; mapping: Mapping; describe: DescribeSObjectResult }

const SLASH_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T].*)?$/;
const YES_NO = new Set(['y', 'n', 'yes', 'no', 't', 'f', '1', '0', 'true', 'false', 'on', 'off']);
const EXAMPLES = 3;

const texts = (rows: Value[][], c: number): string[] => rows.flatMap((row) => (typeof row[c] === 'string' && row[c] !== '' ? [row[c] as string] : []));

function mappedField(input: SuggestionInput, column: string): Field | undefined {
  const entry = input.mapping.fields.find((e) => e.column === column);
  return entry ? fieldByName(input.describe, entry.field) : undefined;
}

/** 13/01/2024 somewhere and never 01/13/2024: the day comes first. */
function dayFirst(values: string[]): string | undefined {
  const dates = values.map((v) => SLASH_DATE.exec(v.trim()));
  if (dates.length === 0 || dates.some((m) => !m)) return undefined;
  const evidence = dates.find((m) => Number(m?.[1]) > 12 && Number(m?.[1]) <= 31);
  return evidence && !dates.some((m) => Number(m?.[2]) > 12) ? evidence[0] : undefined;
}

function dateSuggestion(input: SuggestionInput, column: string, values: string[]): StepSuggestion[] {
  const example = dayFirst(values);
  if (!example) return [];
  const to = mappedField(input, column)?.type === 'datetime' ? 'datetime' : 'date';
  const step: PipelineStep = { op: 'cast', columns: [column], to, order: 'DMY' };
  return [{ kind: 'dayFirstDates', columns: [column], step, why: { key: 'pipeline.suggest.dayFirst', params: { column, example } } }];
}

function booleanSuggestion(input: SuggestionInput, column: string, values: string[]): StepSuggestion[] {
  const field = mappedField(input, column);
  const distinct = [...new Set(values.map((v) => v.trim().toLowerCase()))];
  if (field?.type !== 'boolean' || distinct.length === 0 || !distinct.every((v) => YES_NO.has(v))) return [];
  if (distinct.every((v) => v === 'true' || v === 'false')) return [];
  const shown = [...new Set(values.map((v) => v.trim()))].slice(0, EXAMPLES).join(', ');
  const step: PipelineStep = { op: 'cast', columns: [column], to: 'boolean' };
  return [{ kind: 'boolean', columns: [column], step, why: { key: 'pipeline.suggest.boolean', params: { column, values: shown, field: field.name } } }];
}

/** The allowed value nearest to a bad one (same letters in another case first), or '' for the person to pick. */
function nearest(value: string, allowed: string[]): string {
  const same = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (same) return same;
  const scored = allowed.map((a) => ({ a, score: similarity(value.toLowerCase(), a.toLowerCase()) })).sort((x, y) => y.score - x.score);
  return scored[0] && scored[0].score >= 0.5 ? scored[0].a : '';
}

function picklistSuggestion(input: SuggestionInput, column: string, values: string[]): StepSuggestion[] {
  const field = mappedField(input, column);
  if (!field || !field.restrictedPicklist || (field.type !== 'picklist' && field.type !== 'multipicklist')) return [];
  const check = fieldChecker(field);
  const outside = [...new Set(values)].filter((v) => check(v) !== null);
  if (outside.length === 0) return [];
  const allowed = field.picklistValues.filter((p) => p.active).map((p) => p.value);
  const map = Object.fromEntries(outside.map((v) => [v, nearest(v, allowed)]));
  const step: PipelineStep = { op: 'valueMap', columns: [column], map };
  const params = { column, field: field.name, count: outside.length, values: outside.slice(0, EXAMPLES).join(', ') };
  return [{ kind: 'picklist', columns: [column], step, why: { key: 'pipeline.suggest.picklist', params } }];
}

/** The suggestions for a dataset's first rows against an object and a mapping (what the transform page shows). */
export async function stepSuggestionsFor(
  services: Services, target: { datasetId: string; connectionId: string; object: string; mapping: Mapping },
): Promise<StepSuggestion[]> {
  const [sample, describe] = await Promise.all([previewSample(services, target.datasetId), describeFor(services, target.connectionId, target.object)]);
  return suggestSteps({ columns: sample.columns, rows: sample.rows, mapping: target.mapping, describe });
}

/**
 * Steps a first-time user would otherwise discover through red cells: day-first dates cast as DMY,
 * cells with leading or trailing spaces trimmed, yes/no words for a checkbox field cast to boolean, values
 * outside a restricted picklist mapped onto allowed ones.
 */
export function suggestSteps(input: SuggestionInput): StepSuggestion[] {
  const out: StepSuggestion[] = [];
  const padded: string[] = [];
  let paddedCells = 0;
  const mapped = new Set([...input.mapping.fields, ...input.mapping.relationships].map((e) => e.column));
  input.columns.forEach((column, c) => {
    if (!mapped.has(column)) return;
    const raw = texts(input.rows, c);
    const spaced = raw.filter((v) => v !== v.trim()).length;
    if (spaced > 0) { padded.push(column); paddedCells += spaced; }
    // The other steps see the values as the trim suggested first leaves them.
    const values = raw.map((v) => v.trim());
    out.push(...dateSuggestion(input, column, values), ...booleanSuggestion(input, column, values), ...picklistSuggestion(input, column, values));
  });
  if (padded.length > 0) {
    const why = { key: 'pipeline.suggest.trim', params: { columns: padded.join(', '), count: paddedCells } };
    out.unshift({ kind: 'trim', columns: padded, step: { op: 'trim', columns: padded }, why });
  }
  return out;
}
