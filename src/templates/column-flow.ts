import { checkExpression, type Pipeline, type PipelineStep } from '../frame/index.js';
import type { Mapping } from '../mapping/index.js';

/** A column the template reads that the data does not have at that point. */
export interface MissingColumn { column: string; usedBy: string }

interface ExpressionNode { type: string; name?: string; operand?: ExpressionNode; left?: ExpressionNode; right?: ExpressionNode; args?: ExpressionNode[] }

/** Column names an expression reads (its tree from the frame room's parser). */
function expressionColumns(source: string): string[] {
  const names: string[] = [];
  const walk = (node: ExpressionNode | undefined): void => {
    if (!node) return;
    if (node.type === 'column' && node.name !== undefined) names.push(node.name);
    walk(node.operand); walk(node.left); walk(node.right);
    node.args?.forEach(walk);
  };
  try {
    walk(checkExpression(source) as ExpressionNode);
  } catch {
    // A broken expression is reported by the pipeline check, not as a missing column.
  }
  return names;
}

/** What a step reads; expression names resolve case-insensitively, as the frame room resolves them. */
function reads(step: PipelineStep): { names: string[]; loose: boolean } {
  switch (step.op) {
    case 'rename': return { names: Object.keys(step.mapping), loose: false };
    case 'filter': case 'derive': return { names: expressionColumns(step.expression), loose: true };
    case 'split': case 'lookup': return { names: [step.column], loose: false };
    case 'dedupe': return { names: step.keys, loose: false };
    case 'sort': return { names: step.by.map((b) => b.column), loose: false };
    case 'aggregate': return { names: [...step.groupBy, ...step.aggregations.flatMap((a) => (a.column ? [a.column] : []))], loose: false };
    default: return { names: step.columns, loose: false };
  }
}

/** The columns after a step, given those before it. */
function after(step: PipelineStep, current: string[]): string[] {
  const add = (names: string[]) => [...current, ...names.filter((n) => !current.includes(n))];
  switch (step.op) {
    case 'select': return [...step.columns];
    case 'drop': return current.filter((c) => !step.columns.includes(c));
    case 'rename': return current.map((c) => step.mapping[c] ?? c);
    case 'derive': return add([step.column]);
    case 'concat': case 'lookup': return add([step.into]);
    case 'split': return add(step.into);
    case 'aggregate': return [...step.groupBy, ...step.aggregations.map((a) => a.as)];
    default: return current;
  }
}

/**
 * Follows the columns through the pipeline without data: which source columns it reads, which
 * names are missing where, and the columns the mapping then finds. A missing column is reported
 * once and then treated as present, so one absence does not cascade into many.
 */
export function followColumns(columns: readonly string[], pipeline: Pipeline, mapping: Mapping) {
  let current = [...columns];
  const missing: MissingColumn[] = [];
  const used = new Set<string>();
  const has = (name: string, loose: boolean) =>
    current.includes(name) || (loose && current.some((c) => c.toLowerCase() === name.toLowerCase()));
  pipeline.forEach((step, index) => {
    const { names, loose } = reads(step);
    for (const name of names) {
      const source = columns.find((c) => c === name || (loose && c.toLowerCase() === name.toLowerCase()));
      if (source !== undefined && has(source, false)) used.add(source);
      if (!has(name, loose)) {
        missing.push({ column: name, usedBy: `step ${index + 1} (${step.op})` });
        current = [...current, name];
      }
    }
    current = after(step, current);
  });
  for (const entry of [...mapping.fields, ...mapping.relationships]) {
    if (columns.includes(entry.column) && current.includes(entry.column)) used.add(entry.column);
    if (!current.includes(entry.column)) missing.push({ column: entry.column, usedBy: `mapping to ${entry.field}` });
  }
  return { missing, used, output: current };
}
