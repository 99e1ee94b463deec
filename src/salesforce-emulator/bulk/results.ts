import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { DELIMITERS, quoteCsv } from './csv-reader.js';
import type { IngestJob, ResultKind } from './ingest-job.js';

const PREFIX: Record<ResultKind, string[]> = {
  successfulResults: [quoteCsv('sf__Id'), quoteCsv('sf__Created')],
  failedResults: [quoteCsv('sf__Id'), quoteCsv('sf__Error')],
  unprocessedrecords: [],
};

/**
 * Streams one of the three result CSVs from the job's result file: the header (sf__ columns, then the uploaded
 * header), then the lines written so far, each echoing its uploaded line after the sf__ columns.
 */
export async function streamResults(job: IngestJob, kind: ResultKind, res: Response): Promise<void> {
  const d = DELIMITERS[job.spec.columnDelimiter];
  const eol = job.spec.lineEnding === 'CRLF' ? '\r\n' : '\n';
  res.status(200).type('text/csv; charset=UTF-8');
  const header = [...PREFIX[kind], ...(job.headerLine ? [job.headerLine] : [])].join(d);
  if (header) res.write(header + eol);
  const lines = createReadStream(job.resultPath(kind));
  const missing = new Promise<boolean>((resolve) => {
    lines.once('open', () => resolve(false));
    lines.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT'));
  });
  if (await missing) return void res.end();
  await pipeline(lines, res);
}
