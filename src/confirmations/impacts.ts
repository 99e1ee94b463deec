import type { MigrationDoc, Totals } from '../migrations/index.js';
import type { Impact } from './confirm.js';

/** The org a run writes to, as the dialog names it. */
export interface Org { name: string; production: boolean }

/** What the sentences need of a run (the live page passes its live totals). */
export type RunFacts = Pick<MigrationDoc, 'object' | 'operation'> & { totals: Totals };

/**
 * What a control will do to a run, or undefined when it asks nothing: roll back and cancel always ask,
 * start and retry only on a production org; a production org also wants the object typed back.
 */
export function migrationImpact(doc: RunFacts, action: string, org: Org): Impact | undefined {
  const t = doc.totals;
  const typeBack = org.production ? doc.object : undefined;
  const base = { object: doc.object, connection: org.name, operation: doc.operation };
  const sentence = (key: string, params: Impact['params']): Impact => ({ key, params: { ...base, ...params }, typeBack });
  switch (action) {
    case 'rollback':
      return sentence('confirm.rollback', { deleted: t.created, restored: Math.max(0, t.succeeded - t.created) });
    case 'cancel':
      return sentence('confirm.cancel', { remaining: Math.max(0, t.rows - t.succeeded - t.failed - t.skipped), written: t.succeeded });
    case 'start':
      return org.production ? sentence('confirm.start', { rows: t.rows }) : undefined;
    case 'retry-failed':
      return org.production ? sentence('confirm.retry', { failed: t.failed }) : undefined;
    default:
      return undefined;
  }
}

export function datasetImpact(dataset: { name: string; rowCount: number; chunkCount: number }): Impact {
  return { key: 'confirm.deleteDataset', params: { name: dataset.name, rows: dataset.rowCount, chunks: dataset.chunkCount } };
}

export function templateImpact(name: string, versions: number): Impact {
  return { key: 'confirm.deleteTemplate', params: { name, versions } };
}
