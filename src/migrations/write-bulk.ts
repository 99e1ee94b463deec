import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffMs, BULK_MAX_UPLOAD_BYTES, TERMINAL_STATES, createIngestJob, csvFields, csvLine, csvRecordCells, getJob, isTransientRowError, jobResultLines, setJobState,
  toSalesforceError, uploadJobData, waitForJob, type JobInfo, type ResultKind,
} from '../salesforce/index.js';
import { failRemaining, pendingRows, type BatchRun } from './batch-run.js';
import type { BulkJobRecord } from './model.js';
import { parseBulkError, saidOutcome } from './outcomes.js';
import type { UploadLine } from './prepare.js';
import { currentState } from './store.js';
import { LineMatcher, ResultFile } from './line-matcher.js';
import { limitReached } from './reasons.js';

/**
 * Header: the mapping's targets that any row of the part carries, in mapping order (deterministic, so a re-attached
 * job matches). A row that carries them all (mostly the first) ends the search; others are read until every target
 * was seen.
 */
export function headerOf(targets: readonly string[], rows: readonly UploadLine[]): string[] {
  const missing = new Set(targets.keys());
  for (let i = 0; i < rows.length && missing.size > 0; i++) {
    if (rows[i].gaps === 0) return [...targets];
    const cells = csvRecordCells(rows[i].line);
    for (const t of missing) if (cells[t] !== '') missing.delete(t);
  }
  return targets.filter((_, t) => !missing.has(t));
}

/**
 * One upload: each row's CSV line (without its line break) is made once and serves the size check, the
 * body and the matching of results.
 */
interface Part { header: string[]; rows: UploadLine[]; lines: string[] }

/**
 * Each row's CSV line under `header` (some of `targets`), without its line break: the prepared line itself under
 * every target; else its cells again without the targets the part leaves out (empty in each of its rows).
 */
export function linesUnder(header: readonly string[], targets: readonly string[], rows: readonly UploadLine[]): string[] {
  if (header.length === targets.length) return rows.map((r) => r.line);
  const at = header.map((h) => targets.indexOf(h));
  return rows.map((r) => {
    const cells = csvRecordCells(r.line);
    return csvFields(at.map((t) => cells[t]));
  });
}

function partOf(targets: readonly string[], rows: UploadLine[], header = headerOf(targets, rows), lines?: string[]): Part {
  return { header, rows, lines: lines ?? linesUnder(header, targets, rows) };
}

const UPLOAD_LIMIT = BULK_MAX_UPLOAD_BYTES - 64 * 1024;

/** Cuts pending rows into parts whose CSV lines stay under the upload limit (`limit`: bytes of UTF-8, tests lower it). */
export function parts(targets: readonly string[], rows: UploadLine[], limit = UPLOAD_LIMIT): Part[] {
  const all = partOf(targets, rows);
  let chars = 0;
  for (const line of all.lines) chars += line.length + 1;
  if (chars * 3 <= limit) return [all]; // a UTF-16 unit is at most 3 bytes of UTF-8
  const out: Part[] = [];
  const cut = (from: number, to: number) => {
    const slice = rows.slice(from, to);
    const header = headerOf(targets, slice);
    out.push(header.join() === all.header.join() ? partOf(targets, slice, header, all.lines.slice(from, to)) : partOf(targets, slice, header));
  };
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const size = Buffer.byteLength(all.lines[i]) + 1;
    if (i > from && bytes + size > limit) {
      cut(from, i);
      from = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (from < rows.length) cut(from, rows.length);
  return out;
}

async function* csvBody(part: Part): AsyncGenerator<Uint8Array> {
  yield Buffer.from(csvLine(part.header));
  for (let i = 0; i < part.lines.length; i += 2000) yield Buffer.from(`${part.lines.slice(i, i + 2000).join('\n')}\n`);
}

/** The result files that can hold rows: none failed (as the job reports) or all processed leaves files empty; unknown counts fetch all. */
function resultKinds(info: JobInfo, uploaded: number): ResultKind[] {
  const kinds: ResultKind[] = ['successfulResults'];
  if (info.numberRecordsFailed !== 0) kinds.push('failedResults');
  if (info.state !== 'JobComplete' || info.numberRecordsProcessed !== uploaded) kinds.push('unprocessedrecords');
  return kinds;
}

/** Matches result rows to dataset rows by the uploaded cells (Bulk results come back in any order). */
async function collectResults(run: BatchRun, record: BulkJobRecord, part: Part, info: JobInfo): Promise<void> {
  const matcher = new LineMatcher(part.lines);
  const cancelled = ['cancelling', 'cancelled'].includes(await currentState(run.services, run.migration._id));
  for (const kind of resultKinds(info, part.rows.length)) {
    matcher.restart();
    const file = new ResultFile(kind, part.header, matcher);
    for await (const batch of jobResultLines(run.session, record.id, kind)) {
      for (const line of batch) {
        const found = file.read(line);
        if (!found) continue;
        const { row } = part.rows[found.index];
        if (kind === 'successfulResults') {
          run.outcomes.set(row, { status: 'ok', id: found.id, created: found.status === 'true' });
        } else if (kind === 'failedResults') {
          const error = parseBulkError(found.status ?? '');
          if (!isTransientRowError(error.code)) run.outcomes.set(row, { status: 'fail', code: error.code, message: error.message, fields: error.fields });
        } else if (cancelled) {
          run.outcomes.set(row, saidOutcome('skip', 'CANCELLED', 'row.run.cancelledBeforeProcessed'));
        }
      }
    }
  }
  // A finished job that does not list a row processed it in a way we cannot tell: never send it twice.
  if (info.state === 'JobComplete') {
    part.rows.forEach(({ row }, i) => {
      if (matcher.taken[i] || run.outcomes.has(row)) return;
      run.outcomes.set(row, saidOutcome('doubt', 'DMS_IN_DOUBT', 'row.run.inDoubtBulk', { job: record.id }));
    });
  }
  record.state = info.state;
  record.errorMessage = info.errorMessage;
  // Stored with the next save, in the same document write as the outcomes: the batch's own end, or the next job's
  // record. A worker that dies before it finds the job unstored and reads its results again.
  record.resultsStored = true;
  run.log.info({ jobId: record.id, state: info.state }, 'Bulk results read');
}

async function finish(run: BatchRun, record: BulkJobRecord, part: Part): Promise<void> {
  let last = record.state;
  const info = await waitForJob(run.session, record.id, {
    deadline: Date.parse(record.createdAt) + 24 * 3600_000,
    // Short first polls, growing by a quarter: a finished job is noticed within ~25 % of its run time.
    initialMs: 100,
    factor: 1.25,
    maxMs: 5000,
    onState: async (seen) => {
      if (seen.state === last) return;
      last = seen.state;
      record.state = seen.state;
      // A state seen while polling is progress only: a restart asks Salesforce anyway; the terminal one is saved with the results.
      if (!TERMINAL_STATES.has(seen.state)) await run.report({ salesforce: seen.state, jobId: record.id });
    },
  });
  await collectResults(run, record, part, info);
}

/** What a batch's Bulk writing works from: its upload lines and the mapping's targets they are written under. */
interface Upload { rows: readonly UploadLine[]; targets: readonly string[] }

const rowsOf = (run: BatchRun, upload: Upload, record: BulkJobRecord) =>
  pendingRows(run, upload.rows).filter((r) => r.row >= record.fromRow && r.row <= record.toRow);

/**
 * Re-attaches to the job a previous attempt recorded. Open with its upload recorded: close it and wait. Open
 * otherwise: it processed nothing (its upload may be partial), so abort it and send again. UploadComplete/InProgress:
 * wait for it. Terminal: fetch its results. Gone: send again.
 */
async function reattach(run: BatchRun, upload: Upload, record: BulkJobRecord): Promise<void> {
  const part = partOf(upload.targets, rowsOf(run, upload, record));
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
  run.log.info({ jobId: record.id, state: info.state, uploaded: record.uploaded }, 're-attaching to Bulk job');
  if (info.state === 'Open' && record.uploaded) {
    // Its rows were uploaded in full (a record saved between upload and close, as runs before the close was saved
    // with the upload stored it): close it rather than send them again.
    await closeAndFinish(run, record, part);
    return;
  }
  if (info.state === 'Open') {
    await setJobState(run.session, record.id, 'Aborted');
    record.state = 'Aborted';
    record.resultsStored = true;
    await run.save({ salesforce: 'Aborted', jobId: record.id });
    return;
  }
  record.state = info.state;
  await finish(run, record, part);
}

async function runJob(run: BatchRun, part: Part): Promise<void> {
  const { rows } = part;
  const info = await createIngestJob(run.session, run.spec);
  const record: BulkJobRecord = {
    id: info.id, fromRow: rows[0].row, toRow: rows[rows.length - 1].row, rows: rows.length,
    state: info.state, uploaded: false, resultsStored: false, createdAt: new Date().toISOString(),
  };
  run.batch.bulkJobs.push(record);
  await run.save({ salesforce: info.state, jobId: info.id }); // the job id is durable before any data leaves
  run.log.info({ jobId: record.id, rows: rows.length }, 'Bulk job created');
  await uploadJobData(run.session, record.id, () => csvBody(part));
  // Saved only with the close that follows (one document write fewer a batch): a worker that dies before that save
  // finds the job UploadComplete or later and waits for it, or Open when the close was not answered, which processed
  // nothing and is aborted and sent again.
  record.uploaded = true;
  run.batch.calls += 2;
  await closeAndFinish(run, record, part);
}

/** Closes the job (UploadComplete), saves the batch with its state, then waits for the job and reads its results. */
async function closeAndFinish(run: BatchRun, record: BulkJobRecord, part: Part): Promise<void> {
  record.state = (await setJobState(run.session, record.id, 'UploadComplete')).state;
  run.batch.calls += 1;
  await run.save({ salesforce: record.state, jobId: record.id });
  await finish(run, record, part);
}

/** Writes the batch's upload lines, made under `targets` (the mapping's, as runBatch prepared them). */
export async function writeThroughBulk(run: BatchRun, prepared: readonly UploadLine[], targets: readonly string[]): Promise<void> {
  const upload: Upload = { rows: prepared, targets };
  const last = run.batch.bulkJobs.at(-1);
  if (last && !last.resultsStored) await reattach(run, upload, last);
  for (let round = 0; ; round++) {
    const rows = pendingRows(run, prepared);
    if (rows.length === 0) return;
    if (round >= run.migration.options.maxAttempts) {
      failRemaining(run, 'UNABLE_TO_LOCK_ROW', `Still not processed after ${round} Bulk jobs`);
      return;
    }
    await run.checkStop();
    for (const part of parts(upload.targets, rows)) {
      await run.ensureBudget(8);
      try {
        await runJob(run, part);
      } catch (thrown) {
        const error = toSalesforceError(thrown);
        if (error.dailyLimit) await run.pauseFor(limitReached(error.message));
        if (!error.transient) throw error;
        // The job (if any) is recorded: the next round re-attaches or aborts it before sending again.
        run.log.warn({ code: error.errorCode, round }, 'transient Bulk failure; backing off');
        await sleep(backoffMs(round));
        const open = run.batch.bulkJobs.at(-1);
        if (open && !open.resultsStored) await reattach(run, upload, open);
      }
    }
  }
}
