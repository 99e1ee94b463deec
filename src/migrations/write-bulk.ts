import { setTimeout as sleep } from 'node:timers/promises';
import {
  BULK_MAX_UPLOAD_BYTES, createIngestJob, csvLine, getJob, isTransientRowError, jobResults, setJobState, toSalesforceError, uploadJobData, waitForJob,
  type JobInfo, type ResultKind,
} from '../salesforce/index.js';
import { backoffMs, failRemaining, pendingRows, type BatchRun } from './batch-run.js';
import type { BulkJobRecord } from './model.js';
import { parseBulkError } from './outcomes.js';
import type { PreparedRow } from './prepare.js';
import { currentState } from './store.js';
import { mappingTargets } from './preflight.js';

/** Header: the mapping's targets that any row of the part carries, in mapping order (deterministic, so a re-attached job matches). */
function headerOf(run: BatchRun, rows: PreparedRow[]): string[] {
  const present = new Set<string>();
  for (const r of rows) for (const key of Object.keys(r.record)) present.add(key);
  return mappingTargets(run.migration.template.mapping).filter((t) => present.has(t));
}

const lineOf = (header: string[], r: PreparedRow) => csvLine(header.map((h) => r.record[h]));

/** Cuts pending rows into parts whose CSV stays under the upload limit. */
function parts(run: BatchRun, rows: PreparedRow[]): PreparedRow[][] {
  const header = headerOf(run, rows);
  const out: PreparedRow[][] = [];
  let current: PreparedRow[] = [];
  let bytes = 0;
  for (const r of rows) {
    const size = Buffer.byteLength(lineOf(header, r));
    if (current.length > 0 && bytes + size > BULK_MAX_UPLOAD_BYTES - 64 * 1024) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

async function* csvBody(header: string[], rows: PreparedRow[]): AsyncGenerator<Uint8Array> {
  yield Buffer.from(csvLine(header));
  for (let i = 0; i < rows.length; i += 2000) {
    yield Buffer.from(rows.slice(i, i + 2000).map((r) => lineOf(header, r)).join(''));
  }
}

/** Matches result rows to dataset rows by the uploaded cells (Bulk results come back in any order). */
async function collectResults(run: BatchRun, record: BulkJobRecord, rows: PreparedRow[], info: JobInfo): Promise<void> {
  const header = headerOf(run, rows);
  const byLine = new Map<string, number[]>();
  for (const r of rows) {
    const key = lineOf(header, r);
    const list = byLine.get(key);
    if (list) list.push(r.row);
    else byLine.set(key, [r.row]);
  }
  const cancelled = ['cancelling', 'cancelled'].includes(await currentState(run.services, run.migration._id));
  const take = (cells: string[], columns: string[]) => {
    const key = csvLine(header.map((h) => cells[columns.indexOf(h)] ?? ''));
    return byLine.get(key)?.shift();
  };
  const kinds: ResultKind[] = ['successfulResults', 'failedResults', 'unprocessedrecords'];
  for (const kind of kinds) {
    let columns: string[] | undefined;
    for await (const cells of jobResults(run.session, record.id, kind)) {
      if (!columns) { columns = cells; continue; }
      const row = take(cells, columns);
      if (row === undefined) continue;
      if (kind === 'successfulResults') {
        run.outcomes.set(row, { status: 'ok', id: cells[columns.indexOf('sf__Id')], created: cells[columns.indexOf('sf__Created')] === 'true' });
      } else if (kind === 'failedResults') {
        const error = parseBulkError(cells[columns.indexOf('sf__Error')] ?? '');
        if (!isTransientRowError(error.code)) run.outcomes.set(row, { status: 'fail', code: error.code, message: error.message, fields: error.fields });
      } else if (cancelled) {
        run.outcomes.set(row, { status: 'skip', code: 'CANCELLED', message: 'The migration was cancelled before this row was processed' });
      }
    }
  }
  // A finished job that does not list a row processed it in a way we cannot tell: never send it twice.
  if (info.state === 'JobComplete') {
    for (const list of byLine.values()) for (const row of list) {
      if (!run.outcomes.has(row)) run.outcomes.set(row, { status: 'doubt', code: 'DMS_IN_DOUBT', message: `Bulk job ${record.id} did not report this row` });
    }
  }
  record.state = info.state;
  record.errorMessage = info.errorMessage;
  record.resultsStored = true;
  await run.save({ salesforce: info.state, jobId: record.id });
}

async function finish(run: BatchRun, record: BulkJobRecord, rows: PreparedRow[]): Promise<void> {
  let last = record.state;
  const info = await waitForJob(run.session, record.id, {
    deadline: Date.parse(record.createdAt) + 24 * 3600_000,
    initialMs: 100,
    maxMs: 5000,
    onState: async (seen) => {
      if (seen.state === last) return;
      last = seen.state;
      record.state = seen.state;
      await run.save({ salesforce: seen.state, jobId: record.id });
    },
  });
  await collectResults(run, record, rows, info);
}

const rowsOf = (run: BatchRun, record: BulkJobRecord) =>
  pendingRows(run).filter((r) => r.row >= record.fromRow && r.row <= record.toRow);

/**
 * Re-attaches to the job a previous attempt recorded. Open: it processed nothing, so abort it and
 * send again. UploadComplete/InProgress: wait for it. Terminal: fetch its results. Gone: send again.
 */
async function reattach(run: BatchRun, record: BulkJobRecord): Promise<void> {
  const rows = rowsOf(run, record);
  let info: JobInfo;
  try {
    info = await getJob(run.session, record.id);
  } catch (thrown) {
    if (toSalesforceError(thrown).errorCode !== 'NOT_FOUND') throw thrown;
    record.state = 'Lost';
    record.resultsStored = true;
    await run.save();
    return;
  }
  run.log.info({ jobId: record.id, state: info.state }, 're-attaching to Bulk job');
  if (info.state === 'Open') {
    await setJobState(run.session, record.id, 'Aborted');
    record.state = 'Aborted';
    record.resultsStored = true;
    await run.save({ salesforce: 'Aborted', jobId: record.id });
    return;
  }
  record.state = info.state;
  await finish(run, record, rows);
}

async function runJob(run: BatchRun, rows: PreparedRow[]): Promise<void> {
  const header = headerOf(run, rows);
  const info = await createIngestJob(run.session, run.spec);
  const record: BulkJobRecord = {
    id: info.id, fromRow: rows[0].row, toRow: rows[rows.length - 1].row, rows: rows.length,
    state: info.state, uploaded: false, resultsStored: false, createdAt: new Date().toISOString(),
  };
  run.batch.bulkJobs.push(record);
  await run.save({ salesforce: info.state, jobId: info.id }); // the job id is durable before any data leaves
  await uploadJobData(run.session, record.id, () => csvBody(header, rows));
  record.uploaded = true;
  record.state = (await setJobState(run.session, record.id, 'UploadComplete')).state;
  run.batch.calls += 3;
  await run.save({ salesforce: record.state, jobId: record.id });
  await finish(run, record, rows);
}

export async function writeThroughBulk(run: BatchRun): Promise<void> {
  const last = run.batch.bulkJobs.at(-1);
  if (last && !last.resultsStored) await reattach(run, last);
  for (let round = 0; ; round++) {
    const rows = pendingRows(run);
    if (rows.length === 0) return;
    if (round >= run.migration.options.maxAttempts) {
      failRemaining(run, 'UNABLE_TO_LOCK_ROW', `Still not processed after ${round} Bulk jobs`);
      return;
    }
    await run.checkStop();
    for (const part of parts(run, rows)) {
      await run.ensureBudget(8);
      try {
        await runJob(run, part);
      } catch (thrown) {
        const error = toSalesforceError(thrown);
        if (error.dailyLimit) await run.pauseForLimit(error.message);
        if (!error.transient) throw error;
        // The job (if any) is recorded: the next round re-attaches or aborts it before sending again.
        run.log.warn({ code: error.errorCode, round }, 'transient Bulk failure; backing off');
        await sleep(backoffMs(round));
        const open = run.batch.bulkJobs.at(-1);
        if (open && !open.resultsStored) await reattach(run, open);
      }
    }
  }
}
