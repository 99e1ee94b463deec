import { extname } from 'node:path';
import type { ApiClient } from './api.js';
import { saveBody } from './download.js';
import { CliError, EXIT, usage } from './exit.js';
import type { DatasetView } from './datasets.js';
import type { Progress } from './progress.js';
import { say } from './say.js';

export const EXPORT_APIS = ['auto', 'rest', 'bulk'] as const;
export const DOWNLOAD_FORMATS = ['csv', 'xlsx', 'parquet', 'ndjson'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

export interface ExportOptions {
  connection: string;
  object?: string;
  fields?: string;
  soql?: string;
  where?: string;
  all: boolean;
  api?: string;
  name?: string;
}

/** The body of POST /api/v1/exports; usage errors for options that do not go together. */
export function exportRequestOf(options: ExportOptions, connectionId: string): Record<string, unknown> {
  const fields = (options.fields ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
  const byQuery = options.soql !== undefined;
  if (byQuery === (options.object !== undefined) || byQuery === (fields.length > 0) || (byQuery && options.where)) {
    throw usage(say('cli.usage.export'));
  }
  const api = options.api ?? 'auto';
  if (!(EXPORT_APIS as readonly string[]).includes(api)) {
    throw usage(say('cli.badChoice', { option: '--api', value: api, choices: EXPORT_APIS.join('|') }));
  }
  const query = byQuery ? { soql: options.soql } : { object: options.object, fields, where: options.where };
  return { connectionId, ...query, queryAll: options.all, api, ...(options.name ? { name: options.name } : {}) };
}

/** `--format`, or the output file's extension (`.xlsx`, `.parquet`, `.ndjson`/`.jsonl`), else CSV. */
export function formatOf(output: string, format?: string): DownloadFormat {
  if (format !== undefined) {
    if ((DOWNLOAD_FORMATS as readonly string[]).includes(format)) return format as DownloadFormat;
    throw usage(say('cli.badChoice', { option: '--format', value: format, choices: DOWNLOAD_FORMATS.join('|') }));
  }
  const extension = extname(output).slice(1).toLowerCase();
  if (extension === 'jsonl') return 'ndjson';
  return (DOWNLOAD_FORMATS as readonly string[]).includes(extension) ? (extension as DownloadFormat) : 'csv';
}

/** A connection's id from its id or its name (as the connections page shows it). */
export async function connectionIdOf(api: ApiClient, idOrName: string): Promise<string> {
  const { connections } = await api.json<{ connections: { id: string; name: string }[] }>('GET', '/api/v1/connections');
  const found = connections.find((c) => c.id === idOrName) ?? connections.find((c) => c.name.toLowerCase() === idOrName.toLowerCase());
  if (found) return found.id;
  const known = connections.map((c) => `${c.id} (${c.name})`).join(', ');
  throw new CliError(EXIT.refused, say('cli.noConnection', { connection: idOrName, known: known || '-' }));
}

/** Starts an export: its dataset exists at once (exporting); a worker fills it. */
export async function startExport(api: ApiClient, options: ExportOptions, progress: Progress): Promise<DatasetView> {
  const connectionId = await connectionIdOf(api, options.connection);
  const dataset = await api.json<DatasetView & { source: { soql: string } }>('POST', '/api/v1/exports', exportRequestOf(options, connectionId));
  progress.note(say('cli.exportStarted', { id: dataset.id, soql: dataset.source.soql }));
  return dataset;
}

/** Streams a ready dataset in a download format to a file (or stdout for `-o -`). */
export async function downloadDataset(api: ApiClient, id: string, format: DownloadFormat, output: string): Promise<void> {
  const res = await api.send('GET', `/api/v1/datasets/${encodeURIComponent(id)}/download?format=${format}`);
  await saveBody(res, output, say('cli.emptyDownload', { id }));
}
