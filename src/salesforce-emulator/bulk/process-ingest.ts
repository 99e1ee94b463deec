import { deleteRecord, insertRecord, updateRecord, upsertRecord, type WriteContext, type WriteOutcome } from '../data/dml.js';
import { SfError } from '../data/sf-error.js';
import { resolveColumn, type Column } from '../data/validate-record.js';
import type { EmulatorState } from '../state.js';
import { CsvFormatError, CsvReader, DELIMITERS } from './csv-reader.js';
import { ROW, type IngestJob, type IngestState } from './ingest-job.js';

type RowWriter = (values: string[]) => WriteOutcome;

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
    const keysInJob = new Set<string>();
    return (values) => upsertRecord(ctx, table, fi, columns, values, 'csv', keysInJob);
  }
  const idAt = at('Id');
  if (idAt < 0) return 'InvalidBatch : Field name not found : Id';
  if (operation === 'update') return (values) => updateRecord(ctx, table, values[idAt], columns, values, 'csv');
  const hard = operation === 'hardDelete';
  return (values) => deleteRecord(ctx, values[idAt], hard, table);
}

function record(job: IngestJob, row: number, outcome: WriteOutcome): void {
  job.ids.push(outcome.id);
  if (outcome.errors) {
    job.outcomes.push(ROW.failed);
    job.errors.set(row, outcome.errors[0].toBulk());
    job.failed++;
  } else {
    job.outcomes.push(outcome.created ? ROW.created : ROW.updated);
  }
  job.processed++;
}

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return Math.max(0, lines - 1);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Processes a closed job in slices, yielding between them so the server keeps answering (polls,
 * other requests). An abort, an injected failure or a CSV format error stops processing; the
 * remaining rows are still indexed so they can be listed as unprocessed records.
 */
export async function processIngest(state: EmulatorState, job: IngestJob): Promise<void> {
  if (job.state !== 'UploadComplete') return;
  job.touch('InProgress');
  const started = performance.now();
  job.takeUpload();
  if (job.injectFailure) job.failAtRow = Math.floor(countLines(job.text) / 2);
  const reader = new CsvReader(job.text, DELIMITERS[job.spec.columnDelimiter].charCodeAt(0));
  const values: string[] = [];
  const ctx: WriteContext = { store: state.store, userId: job.createdById, lockRatio: job.lockRatio, random: state.faults.random };
  let stopReason: string | null = null;
  try {
    if (!reader.next(values)) {
      job.processingMs = performance.now() - started;
      job.touch('JobComplete');
      return;
    }
    job.headerLine = job.text.slice(reader.rowStart, reader.rowEnd);
    const header = values.slice();
    const writer = planWriter(state, job, header, ctx);
    if (typeof writer === 'string') stopReason = writer;
    const slice = state.options.bulkSliceRows;
    for (let row = 0; reader.next(values); row++) {
      job.starts.push(reader.rowStart);
      job.ends.push(reader.rowEnd);
      if (row === job.failAtRow && !stopReason) stopReason = 'InternalServerError : Failed to process the batch after 10 retries (injected fault)';
      if (!stopReason && values.length !== header.length) {
        stopReason = `ClientInputError : Wrong number of columns in line ${reader.line}: expected ${header.length}, found ${values.length}`;
      }
      if (stopReason || typeof writer === 'string') {
        job.outcomes.push(ROW.unprocessed);
        job.ids.push(null);
      } else {
        record(job, row, writer(values));
      }
      if ((row + 1) % slice === 0) {
        job.processingMs = performance.now() - started;
        await yieldToEventLoop();
        if (job.deleted) return;
        if ((job.state as IngestState) === 'Aborted' && !stopReason) stopReason = 'aborted';
      }
    }
  } catch (error) {
    if (!(error instanceof CsvFormatError)) throw error;
    stopReason = `ClientInputError : ${error.message}`;
  }
  job.processingMs = performance.now() - started;
  if ((job.state as IngestState) === 'Aborted') return job.touch();
  if (stopReason) job.errorMessage = stopReason;
  job.touch(stopReason ? 'Failed' : 'JobComplete');
}
