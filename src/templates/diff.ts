import type { PipelineStep } from '../frame/index.js';
import type { TemplateDoc } from './model.js';

export type MappingEntry =
  | { kind: 'field'; field: string; column: string }
  | { kind: 'relationship'; field: string; column: string; relationshipName: string; externalIdField: string }
  | { kind: 'constant'; field: string; value: string | number | boolean | null };

export interface TemplateDiff {
  from: number;
  to: number;
  settings: { property: string; before: unknown; after: unknown }[];
  mapping: { added: MappingEntry[]; removed: MappingEntry[]; changed: { before: MappingEntry; after: MappingEntry }[] };
  /** Step numbers are 1-based: `removed` and `before` count in the older version, `added` and `after` in the newer. */
  pipeline: {
    added: { step: number; value: PipelineStep }[];
    removed: { step: number; value: PipelineStep }[];
    changed: { stepBefore: number; stepAfter: number; before: PipelineStep; after: PipelineStep }[];
  };
  identical: boolean;
}

type Version = Pick<TemplateDoc, 'version' | 'object' | 'operation' | 'externalIdField' | 'description' | 'mapping' | 'pipeline'>;

/** JSON with sorted keys, so equal steps compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function entries(mapping: Version['mapping']): Map<string, MappingEntry> {
  const all: MappingEntry[] = [
    ...mapping.fields.map((e): MappingEntry => ({ kind: 'field', ...e })),
    ...mapping.relationships.map((e): MappingEntry => ({ kind: 'relationship', ...e })),
    ...mapping.constants.map((e): MappingEntry => ({ kind: 'constant', ...e })),
  ];
  return new Map(all.map((e) => [`${e.kind}:${e.field.toLowerCase()}`, e]));
}

function diffMapping(a: Version['mapping'], b: Version['mapping']): TemplateDiff['mapping'] {
  const before = entries(a);
  const after = entries(b);
  const out: TemplateDiff['mapping'] = { added: [], removed: [], changed: [] };
  for (const [key, entry] of before) {
    const next = after.get(key);
    if (!next) out.removed.push(entry);
    else if (canonical(entry) !== canonical(next)) out.changed.push({ before: entry, after: next });
  }
  for (const [key, entry] of after) if (!before.has(key)) out.added.push(entry);
  return out;
}

/**
 * Longest common subsequence of the two step lists; between two kept steps, removed and added
 * steps of the same op pair up as changes (a step whose options were edited), the rest stay
 * removed or added.
 */
function diffPipeline(a: PipelineStep[], b: PipelineStep[]): TemplateDiff['pipeline'] {
  const x = a.map(canonical);
  const y = b.map(canonical);
  const lcs = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: TemplateDiff['pipeline'] = { added: [], removed: [], changed: [] };
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    for (const i of removed) {
      const k = added.findIndex((j) => b[j].op === a[i].op);
      if (k >= 0) {
        const [j] = added.splice(k, 1);
        out.changed.push({ stepBefore: i + 1, stepAfter: j + 1, before: a[i], after: b[j] });
      } else out.removed.push({ step: i + 1, value: a[i] });
    }
    for (const j of added) out.added.push({ step: j + 1, value: b[j] });
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) { flush(); i++; j++; }
    else if (j < y.length && (i === x.length || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(j++);
    else removed.push(i++);
  }
  flush();
  return out;
}

/** What changed from version `a` to version `b`: settings, mapping entries (by target field) and pipeline steps. */
export function diffVersions(a: Version, b: Version): TemplateDiff {
  const settings = (['object', 'operation', 'externalIdField', 'description'] as const)
    .filter((p) => (a[p] ?? null) !== (b[p] ?? null))
    .map((p) => ({ property: p, before: a[p] ?? null, after: b[p] ?? null }));
  const mapping = diffMapping(a.mapping, b.mapping);
  const pipeline = diffPipeline(a.pipeline, b.pipeline);
  const identical = settings.length === 0 && [mapping.added, mapping.removed, mapping.changed, pipeline.added, pipeline.removed, pipeline.changed].every((l) => l.length === 0);
  return { from: a.version, to: b.version, settings, mapping, pipeline, identical };
}
