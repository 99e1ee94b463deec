import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { deleteRecord, insertRecord, updateRecord, upsertRecord, type WriteContext, type WriteOutcome } from '../data/dml.js';
import { SfError } from '../data/sf-error.js';
import { resolveColumn, type Column } from '../data/validate-record.js';
import type { EmulatorState } from '../state.js';
import { CsvFormatError, CsvReader, DELIMITERS, quoteCsv } from './csv-reader.js';
import { JobKeys } from './job-keys.js';
import type { IngestJob, IngestState } from './ingest-job.js';
import { ResultLines } from './job-files.js';

type RowWriter = (values: string[]) => WriteOutcome;

/** Bytes of the upload read at a time: the job's memory does not grow with its size. */
const READ_BYTES = 1 << 20;

/** Resolves the header once into a writer for each row, or the job-level error message. */
function planWriter(state: EmulatorState, job: IngestJob, header: string[], ctx: WriteContext): RowWriter | string {
  const table = job.table;
  const columns: Column[] = [];
  for (const name of header) {
    const column = resolveColumn(state.store, table, name.trim());
    if (column instanceof SfError) return `InvalidBatch : Field name not found : ${name.trim()}`;
    columns.push(column);
  }
  const at = (fieldName: string) => columns.findIndex((c) => c.kind === 'field' && c.field.name.toLowerCase() === fieldName.toLowerCase());
  const { operation, externalIdFieldName } = job.spec;
  if (operation === 'insert') return (values) => insertRecord(ctx, table, columns, values, 'csv');
  if (operation === 'upsert') {
    const key = at(externalIdFieldName ?? '');
    if (key < 0) return `InvalidBatch : Missing required column: ${externalIdFieldName}`;
    const fi = (columns[key] as Column).fi;
    const keysInJob = new JobKeys(table);
    return (values) => upsertRecord(ctx, table, fi, columns, values, 'csv', keysInJob);
  }
  const idAt = at('Id');
  if (idAt < 0) return 'InvalidBatch : Field name not found : Id';
  if (operation === 'update') return (values) => updateRecord(ctx, table, values[idAt], columns, values, 'csv');
  const hard = operation === 'hardDelete';
  return (values) => deleteRecord(ctx, values[idAt], hard, table);
}

/** The result line of one written row: `sf__Id, sf__Created` or `sf__Id, sf__Error`, then the uploaded line. */
function record(job: IngestJob, results: ResultLines, outcome: WriteOutcome, line: string, d: string): void {
  const id = quoteCsv(outcome.id ?? '');
  if (outcome.errors) {
    results.add('failedResults', `${id}${d}${quoteCsv(outcome.errors[0].toBulk())}${d}${line}`);
    job.failed++;
  } else {
    results.add('successfulResults', `${id}${d}${outcome.created ? '"true"' : '"false"'}${d}${line}`);
  }
  job.processed++;
}

/** The upload as text parts of about READ_BYTES (multi-byte characters kept whole), then a final empty part. */
async function* uploadParts(job: IngestJob): AsyncGenerator<{ text: string; final: boolean }> {
  const file = await open(job.uploadPath).catch(() => null);
  if (!file) return yield { text: '', final: true };
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, READ_BYTES, null);
      if (bytesRead === 0) return yield { text: decoder.end(), final: true };
      yield { text: decoder.write(buffer.subarray(0, bytesRead)), final: false };
    }
  } finally {
    await file.close();
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Processes a closed job, reading its upload from disk part by part and appending its results to disk, in
 * slices, yielding between them so the server keeps answering (polls, other requests). An abort, an injected
 * failure or a CSV format error stops processing; the remaining rows are listed as unprocessed records.
 */
export async function processIngest(state: EmulatorState, job: IngestJob): Promise<void> {
  if (job.state !== 'UploadComplete') return;
  job.touch('InProgress');
  const started = performance.now();
  const failAtRow = job.injectFailure ? Math.floor(Math.max(0, job.uploadLines - 1) / 2) : -1;
  const d = DELIMITERS[job.spec.columnDelimiter];
  const results = new ResultLines(job, job.spec.lineEnding === 'CRLF' ? '\r\n' : '\n');
  const reader = new CsvReader('', d.charCodeAt(0), false);
  const values: string[] = [];
  const ctx: WriteContext = { store: state.store, userId: job.createdById, lockRatio: job.lockRatio, random: state.faults.random };
  const slice = state.options.bulkSliceRows;
  let header: string[] | null = null;
  let writer: RowWriter | string = '';
  let stopReason: string | null = null;
  try {
    for await (const part of uploadParts(job)) {
      reader.feed(part.text, part.final);
      if (header === null) {
        if (!reader.next(values)) continue;
        header = values.slice();
        job.headerLine = reader.text.slice(reader.rowStart, reader.rowEnd);
        writer = planWriter(state, job, header, ctx);
        if (typeof writer === 'string') stopReason = writer;
      }
      while (reader.next(values)) {
        const line = reader.text.slice(reader.rowStart, reader.rowEnd);
        const row = job.rows++;
        if (row === failAtRow && !stopReason) stopReason = 'InternalServerError : Failed to process the batch after 10 retries (injected fault)';
        if (!stopReason && values.length !== header.length) {
          stopReason = `ClientInputError : Wrong number of columns in line ${reader.line}: expected ${header.length}, found ${values.length}`;
        }
        if (stopReason || typeof writer === 'string') results.add('unprocessedrecords', line);
        else record(job, results, writer(values), line, d);
        if ((row + 1) % slice === 0) {
          job.processingMs = performance.now() - started;
          await results.flush();
          await yieldToEventLoop();
          if (job.deleted) return;
          if ((job.state as IngestState) === 'Aborted' && !stopReason) stopReason = 'aborted';
        }
      }
    }
  } catch (error) {
    if (!(error instanceof CsvFormatError)) throw error;
    stopReason = `ClientInputError : ${error.message}`;
  }
  if (job.deleted) return;
  await results.flush();
  job.processingMs = performance.now() - started;
  if ((job.state as IngestState) === 'Aborted') return job.touch();
  if (stopReason) job.errorMessage = stopReason;
  job.touch(stopReason ? 'Failed' : 'JobComplete');
}
