import type { ApiClient } from './api.js';
import { saveBody } from './download.js';
import { EXIT, type ExitCode } from './exit.js';
import type { Progress } from './progress.js';
import { waitUntil } from './wait.js';
import { say } from './say.js';

interface Totals { rows: number; succeeded: number; failed: number; skipped: number }
export interface StatusView {
  migration: {
    id: string; name: string; state: string; object: string; operation: string; error?: { code: string; message: string };
    approval?: { action: string; decision: string; requestedBy: string; decidedBy?: string; reason?: string };
  };
  totals: Totals;
  processed: number;
  percent: number;
}

export interface MigrateOptions {
  datasetId: string; object: string; operation: string; connection: string;
  template?: string; externalId?: string; name?: string;
}

const ENDED = new Set(['completed', 'failed', 'cancelled', 'rejected', 'rolled_back']);
export const isEnded = (status: StatusView) => ENDED.has(status.migration.state);

/** 0: every row succeeded; 1: some rows failed; 3: the run itself failed or was cancelled (see docs/automation.md). */
export function exitCodeOf(status: StatusView): ExitCode {
  if (!isEnded(status)) return EXIT.ok;
  if (status.migration.state !== 'completed') return EXIT.refused;
  return status.totals.failed > 0 ? EXIT.rowsFailed : EXIT.ok;
}

interface Template { object: string; operation: string; externalIdField?: string; mapping: unknown; pipeline: unknown[] }

/** The mapping and pipeline: a saved template's newest version, or DMS's suggestions for the dataset's columns. */
type RunTemplate = Pick<Template, 'mapping' | 'pipeline' | 'externalIdField'>;

async function templateFor(api: ApiClient, options: MigrateOptions, progress: Progress): Promise<RunTemplate> {
  if (options.template) {
    const template = await api.json<Template>('GET', `/api/v1/templates/${encodeURIComponent(options.template)}`);
    return { mapping: template.mapping, pipeline: template.pipeline, externalIdField: template.externalIdField };
  }
  const suggested = await api.json<{ mapping: { fields: { column: string; field: string }[] } }>('POST', '/api/v1/mapping/suggest', {
    datasetId: options.datasetId, connectionId: options.connection, object: options.object,
  });
  const pairs = suggested.mapping.fields.map((f) => `${f.column} -> ${f.field}`).join(', ');
  progress.note(say('cli.suggested', { pairs: pairs || say('cli.noColumnMatched') }));
  return { mapping: suggested.mapping, pipeline: [] };
}

/** Creates and starts a migration; answers its first status. */
export async function startMigration(api: ApiClient, options: MigrateOptions, progress: Progress): Promise<StatusView> {
  const { mapping, pipeline, externalIdField } = await templateFor(api, options, progress);
  const created = await api.json<StatusView>('POST', '/api/v1/migrations', {
    datasetId: options.datasetId, connectionId: options.connection, object: options.object, operation: options.operation,
    externalIdField: options.externalId ?? externalIdField, template: { mapping, pipeline },
    ...(options.name ? { name: options.name } : {}),
  });
  const id = created.migration.id;
  progress.note(say('cli.created', { id, name: created.migration.name }));
  return api.json<StatusView>('POST', `/api/v1/migrations/${encodeURIComponent(id)}/start`);
}

export const readStatus = (api: ApiClient, id: string) => api.json<StatusView>('GET', `/api/v1/migrations/${encodeURIComponent(id)}`);

export async function waitForMigration(api: ApiClient, id: string, progress: Progress, timeoutSeconds?: number): Promise<StatusView> {
  const status = await waitUntil(() => readStatus(api, id), isEnded, {
    what: say('cli.waitMigration', { id }),
    timeoutSeconds,
    onValue: (s) => progress.update(s.migration.state, s.processed, s.totals.rows),
  });
  progress.end();
  return status;
}

/** Streams a results CSV to a file, or to stdout for `-o -`. */
export async function downloadResults(api: ApiClient, id: string, kind: 'success' | 'errors', output: string): Promise<void> {
  const res = await api.send('GET', `/api/v1/migrations/${encodeURIComponent(id)}/results/${kind}.csv`);
  await saveBody(res, output, say('cli.emptyResults', { kind, id }));
}

export function summaryLine(status: StatusView): string {
  const { migration: m, totals: t } = status;
  const a = m.approval;
  const error = m.error
    ? ` (${m.error.code}: ${m.error.message})`
    : m.state === 'awaiting_approval' && a
      ? ` (${say('cli.awaitingApproval', { user: a.requestedBy, id: m.id })}${a.reason ? `: ${a.reason}` : ''})`
      : m.state === 'rejected' && a
        ? ` (${say('cli.rejected', { user: a.decidedBy ?? '', reason: a.reason ?? '' })})`
        : '';
  return say('cli.summary', { id: m.id, state: m.state, error, succeeded: t.succeeded, failed: t.failed, skipped: t.skipped, rows: t.rows });
}
