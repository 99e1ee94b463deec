import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ApiClient } from './api.js';
import { CliError, EXIT } from './exit.js';
import type { Progress } from './progress.js';
import { waitUntil } from './wait.js';
import { say } from './say.js';

export interface DatasetView {
  id: string; name: string; status: string; rowCount: number; sizeBytes: number; format?: string; createdAt: string;
  error?: { code: string; message: string }; progress?: { bytesRead: number; rowsRead: number }; columns?: string[];
  /** Set on an exported dataset: the query, the API it ran with and the records Salesforce counted. */
  source?: { soql: string; api?: string; totalRows?: number };
}

/** An upload's progress is bytes parsed; an export's is records stored against the query's total. */
function reportProgress(progress: Progress, d: DatasetView): void {
  if (!d.source) {
    progress.update(say('cli.parsing'), d.progress?.bytesRead ?? (d.status === 'ready' ? d.sizeBytes : 0), d.sizeBytes);
    return;
  }
  const stored = d.status === 'ready' ? d.rowCount : (d.progress?.rowsRead ?? 0);
  progress.update(say('cli.exporting'), stored, d.source.totalRows ?? stored);
}

/** Streams a file to POST /api/v1/datasets (multipart; the file is read as it is sent, never whole into memory). */
export async function uploadDataset(api: ApiClient, file: string, progress: Progress): Promise<DatasetView> {
  const size = await stat(file).then((s) => s.size, () => {
    throw new CliError(EXIT.usage, say('cli.noFile', { file }));
  });
  const form = new FormData();
  form.append('file', await openAsBlob(file), basename(file));
  progress.note(say('cli.uploading', { file: basename(file), bytes: size }));
  const res = await api.send('POST', '/api/v1/datasets', form);
  return (await res.json()) as DatasetView;
}

const ended = (d: DatasetView) => d.status === 'ready' || d.status === 'failed';

/** A parse far enough for a migration to start and follow it: its columns are known (its first rows are stored). */
export const columnsKnown = (d: DatasetView) => (d.columns?.length ?? 0) > 0;

/**
 * Waits for a parse (an upload) or an export to end (or, with `enough`, until it says so): ready, or exit 3 with the reader's message (which names the line
 * and column) or Salesforce's.
 */
export async function waitForDataset(
  api: ApiClient, id: string, progress: Progress, timeoutSeconds?: number, kind: 'parse' | 'export' = 'parse', enough = ended,
): Promise<DatasetView> {
  const read = () => api.json<DatasetView>('GET', `/api/v1/datasets/${encodeURIComponent(id)}`);
  const done = await waitUntil(read, (d) => ended(d) || enough(d), {
    what: say(kind === 'parse' ? 'cli.waitDataset' : 'cli.waitExport', { id }),
    timeoutSeconds,
    intervalMs: 500,
    onValue: (d) => reportProgress(progress, d),
  });
  progress.end();
  if (done.status === 'failed') {
    const failure = { id, code: done.error?.code ?? '', message: done.error?.message ?? '' };
    throw new CliError(EXIT.refused, say(kind === 'parse' ? 'cli.parseFailed' : 'cli.exportFailed', failure));
  }
  return done;
}

export async function listDatasets(api: ApiClient): Promise<DatasetView[]> {
  return (await api.json<{ datasets: DatasetView[] }>('GET', '/api/v1/datasets?pageSize=200')).datasets;
}
