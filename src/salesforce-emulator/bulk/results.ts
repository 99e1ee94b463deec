import { once } from 'node:events';
import type { Response } from 'express';
import { DELIMITERS, quoteCsv } from './csv-reader.js';
import { ROW, type IngestJob } from './ingest-job.js';

export type ResultKind = 'successfulResults' | 'failedResults' | 'unprocessedrecords';

const LINES_PER_WRITE = 2000;

/** Streams one of the three result CSVs, echoing each uploaded line after the sf__ columns. */
export async function streamResults(job: IngestJob, kind: ResultKind, res: Response): Promise<void> {
  const d = DELIMITERS[job.spec.columnDelimiter];
  const eol = job.spec.lineEnding === 'CRLF' ? '\r\n' : '\n';
  res.status(200).type('text/csv; charset=UTF-8');
  const prefix = kind === 'successfulResults' ? [quoteCsv('sf__Id'), quoteCsv('sf__Created')] : kind === 'failedResults' ? [quoteCsv('sf__Id'), quoteCsv('sf__Error')] : [];
  const header = [...prefix, ...(job.headerLine ? [job.headerLine] : [])].join(d);
  let buffer = header ? header + eol : '';
  let lines = 0;
  const total = job.outcomes.length;
  for (let row = 0; row < total; row++) {
    const outcome = job.outcomes[row];
    let line: string | null = null;
    if (kind === 'successfulResults' && (outcome === ROW.created || outcome === ROW.updated)) {
      line = `${quoteCsv(job.ids[row] ?? '')}${d}${outcome === ROW.created ? '"true"' : '"false"'}${d}${job.lineOf(row)}`;
    } else if (kind === 'failedResults' && outcome === ROW.failed) {
      line = `${quoteCsv(job.ids[row] ?? '')}${d}${quoteCsv(job.errors.get(row) ?? '')}${d}${job.lineOf(row)}`;
    } else if (kind === 'unprocessedrecords' && outcome === ROW.unprocessed) {
      line = job.lineOf(row);
    }
    if (line === null) continue;
    buffer += line + eol;
    if (++lines % LINES_PER_WRITE === 0) {
      if (!res.write(buffer)) await once(res, 'drain');
      buffer = '';
    }
  }
  res.end(buffer);
}
