import type { Redis } from 'ioredis';
import { parseBulkError } from '../../migrations/index.js';
import {
  COLLECTIONS_MAX, createIngestJob, csvLine, isTransientRowError, jobResults, lastApiBudget, readApiBudget, recordUsage, reserveOf,
  setJobState, toSalesforceError, uploadJobData, waitForJob, writeCollection, type SalesforceSession, type WriteSpec,
} from '../../salesforce/index.js';
import type { Room, TransferTarget, WriteOutcome } from '../ends.js';
import type { TransferRecord } from '../model.js';

/** Batches above this go through Bulk API 2.0 when the api is 'auto' (as migrations choose). */
const COLLECTIONS_THRESHOLD = 2000;
/** Calls one Bulk batch costs: create, upload, close, a few polls, two result reads. */
const BULK_CALLS = 10;
/** `/limits` is read again when the figure DMS holds is older than this. */
const LIMITS_EVERY_MS = 60_000;
const BULK_DEADLINE_MS = 15 * 60_000;
/**
 * A job's state is asked after 50 ms, then 1.3 times later each time up to every 2 s: a job done in 2 s is seen
 * within ~0.45 s of it (at 1.5 times: up to 0.85 s late) for 11 state calls instead of 8. What a batch really used
 * is read back from each answer's Sforce-Limit-Info (recordUsage), so the bound counts every call.
 */
const BULK_POLL = { initialMs: 50, factor: 1.3, maxMs: 2000 };

export interface SalesforceTargetSpec {
  object: string; externalIdField: string; api: 'auto' | 'collections' | 'bulk'; reserveCalls: number;
}

class TransientTargetError extends Error {}

/** A missing value leaves the org's as it is (as an empty Bulk CSV cell does), never clears it. */
function withoutNulls(record: TransferRecord): TransferRecord {
  const out: TransferRecord = {};
  for (const [key, value] of Object.entries(record)) if (value !== null) out[key] = value;
  return out;
}

/**
 * A Salesforce object written by upsert on an external id, so a batch sent again changes nothing: sObject
 * Collections (200 records a call) or one Bulk API 2.0 job per batch. The bound is the org's daily API allowance
 * less a reserve (5 % and at least 50 calls, plus the transfer's own): a batch waits while it would cut into it.
 */
export class SalesforceTarget implements TransferTarget {
  private readonly spec: WriteSpec;

  constructor(private readonly redis: Redis, private readonly session: SalesforceSession, private readonly target: SalesforceTargetSpec) {
    this.spec = { object: target.object, operation: 'upsert', externalIdField: target.externalIdField, allOrNone: false };
  }

  private useBulk(size: number): boolean {
    return this.target.api === 'bulk' || (this.target.api === 'auto' && size > COLLECTIONS_THRESHOLD);
  }

  async room(): Promise<Room> {
    const cached = await lastApiBudget(this.redis, this.session.connectionId);
    const fresh = cached && Date.now() - Date.parse(cached.at) < LIMITS_EVERY_MS;
    const budget = fresh ? cached : await readApiBudget(this.redis, this.session);
    const limit = budget.max - reserveOf(budget) - this.target.reserveCalls;
    const used = budget.max - budget.remaining;
    const calls = Math.max(0, limit - used);
    const free = this.target.api === 'collections' ? calls * COLLECTIONS_MAX : calls >= BULK_CALLS ? Number.MAX_SAFE_INTEGER : 0;
    return { free, used, limit, reason: `${used} of the org's ${budget.max} daily API calls used; ${budget.max - limit} kept in reserve` };
  }

  async write(records: TransferRecord[]): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = new Array<WriteOutcome>(records.length);
    const key = this.target.externalIdField;
    const sendable: number[] = [];
    records.forEach((record, i) => {
      if (record[key] === null || record[key] === undefined || record[key] === '') {
        outcomes[i] = { ok: false, code: 'MISSING_EXTERNAL_ID', reason: `The record has no ${key}: an upsert needs its external id.` };
      } else sendable.push(i);
    });
    try {
      if (this.useBulk(sendable.length)) await this.writeBulk(records, sendable, outcomes);
      else await this.writeCollections(records, sendable, outcomes);
    } finally {
      await recordUsage(this.redis, this.session);
    }
    return outcomes;
  }

  private async writeCollections(records: TransferRecord[], sendable: number[], outcomes: WriteOutcome[]): Promise<void> {
    for (let from = 0; from < sendable.length; from += COLLECTIONS_MAX) {
      const part = sendable.slice(from, from + COLLECTIONS_MAX);
      let results;
      try {
        results = await writeCollection(this.session, this.spec, part.map((i) => withoutNulls(records[i])));
      } catch (thrown) {
        const error = toSalesforceError(thrown);
        if (error.transient) throw error;
        for (const i of part) outcomes[i] = { ok: false, code: error.errorCode, reason: error.message };
        continue;
      }
      results.forEach((result, n) => {
        const error = result.errors[0];
        if (result.success || !error) outcomes[part[n]] = { ok: true };
        else if (isTransientRowError(error.statusCode)) throw new TransientTargetError(`${error.statusCode}: ${error.message}`);
        else outcomes[part[n]] = { ok: false, code: error.statusCode, reason: error.message };
      });
    }
  }

  /** One ingest job for the batch; results are matched to records by their external id (a job sent again is an upsert again). */
  private async writeBulk(records: TransferRecord[], sendable: number[], outcomes: WriteOutcome[]): Promise<void> {
    if (sendable.length === 0) return;
    const header = [...new Set(sendable.flatMap((i) => Object.keys(records[i])))];
    const job = await createIngestJob(this.session, this.spec);
    const encoder = new TextEncoder();
    await uploadJobData(this.session, job.id, async function* body() {
      yield encoder.encode(csvLine(header));
      for (let from = 0; from < sendable.length; from += 1000) {
        const lines = sendable.slice(from, from + 1000).map((i) => csvLine(header.map((h) => records[i][h] ?? '')));
        yield encoder.encode(lines.join(''));
      }
    });
    await setJobState(this.session, job.id, 'UploadComplete');
    const info = await waitForJob(this.session, job.id, { deadline: Date.now() + BULK_DEADLINE_MS, ...BULK_POLL });
    if (info.state !== 'JobComplete') throw new TransientTargetError(`Bulk job ${job.id} ended ${info.state}: ${info.errorMessage ?? ''}`);
    const failed = new Map<string, { code: string; message: string }>();
    let keyColumn = -1;
    let errorColumn = -1;
    for await (const rows of jobResults(this.session, job.id, 'failedResults')) {
      for (const row of rows) {
        if (keyColumn < 0) {
          keyColumn = row.indexOf(this.target.externalIdField);
          errorColumn = row.indexOf('sf__Error');
          continue;
        }
        failed.set(row[keyColumn], parseBulkError(row[errorColumn] ?? ''));
      }
    }
    for (const i of sendable) {
      const error = failed.get(String(records[i][this.target.externalIdField]));
      if (error && isTransientRowError(error.code)) throw new TransientTargetError(`${error.code}: ${error.message}`);
      outcomes[i] = error ? { ok: false, code: error.code, reason: error.message } : { ok: true };
    }
  }

  async close(): Promise<void> {}
}
