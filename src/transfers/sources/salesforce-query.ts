import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { createQueryJob, deleteQueryJob, restQueryPages, type SalesforceSession } from '../../salesforce/index.js';
import { recordValueAt } from '../../exports/index.js';
import type { SourceBatch, SourceEntry, TransferSource } from '../ends.js';
import type { TransferRecord } from '../model.js';
import { bulkPage, completedQueryJob } from './bulk-pages.js';
import {
  QueryPosition, countSoql, nextPageSoql, type BulkPosition, type KeysetPosition, type KeysetQuery,
} from './keyset-query.js';

/** The position is also kept in Redis at every acknowledgement, for this long after the last one. */
const POSITION_TTL_S = 30 * 24 * 3600;
/**
 * Through REST the records left are counted (one COUNT() call) at most this often, and a continuous query's at most
 * once an interval (it reads no more often); in between, the lag is that count less what was acknowledged since.
 */
const REST_LAG_EVERY_MS = 10_000;
/** Above this many records `auto` reads a one-shot query through Bulk API 2.0 rather than REST (as exports do). */
export const REST_MAX_ROWS = 10_000;

export interface QuerySourceOptions {
  queryAll: boolean;
  /** One-shot: REST, Bulk API 2.0, or Bulk when the query gives more than REST_MAX_ROWS records. */
  api: 'auto' | 'rest' | 'bulk';
  /** Continuous: how long after an empty answer the query runs again. */
  intervalMs: number;
  /**
   * Continuous: a change is read once it is this old (by this machine's clock), so that the changes of one second
   * (Salesforce stamps whole seconds) are read together and none lands behind the position.
   */
  settleMs: number;
  /** Redis key holding the position as acknowledged (the transfer document has it as of its last save). */
  positionKey: string;
}

const parsePosition = (text: string | null | undefined): QueryPosition | undefined => {
  if (!text) return undefined;
  const parsed = QueryPosition.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
};
const isBulk = (position: QueryPosition | undefined): position is BulkPosition => position !== undefined && 'jobId' in position;

/**
 * A Salesforce query read batch by batch. REST: each batch one query (its pages followed through nextRecordsUrl) for
 * the records after the last one acknowledged, ORDER BY Id for a one-shot transfer, ORDER BY SystemModstamp, Id for
 * a continuous one, which then asks again every interval for records created or changed since. Bulk API 2.0 (a large
 * one-shot read): one query job, a results page per batch. Either position is plain data (an Id and a
 * SystemModstamp; a job id and a page locator): it survives restarts.
 */
export class SalesforceQuerySource implements TransferSource {
  private emptyAt = 0;
  /** A Bulk query job's record count, once it completed. */
  private jobTotal: number | undefined;
  /** Through REST: the records past the position when last counted, less those acknowledged since. */
  private restLeft: { left: number; at: number } | undefined;

  private constructor(
    private readonly session: SalesforceSession, private readonly redis: Redis, private readonly query: KeysetQuery,
    private readonly options: QuerySourceOptions, private after: QueryPosition | undefined,
  ) {}

  /** Starts after the newest position acknowledged: Redis's (every batch) or else the document's (once a second). */
  static async open(
    session: SalesforceSession, redis: Redis, query: KeysetQuery, options: QuerySourceOptions, saved: string | undefined,
  ): Promise<SalesforceQuerySource> {
    const after = parsePosition(await redis.get(options.positionKey)) ?? parsePosition(saved);
    return new SalesforceQuerySource(session, redis, query, options, after);
  }

  private record(raw: Record<string, unknown>): TransferRecord {
    const record: TransferRecord = {};
    for (const column of this.query.columns) record[column] = recordValueAt(raw, column);
    return record;
  }

  /** A record's key (for dead letters): its Id; with its SystemModstamp when continuous (each change its own). */
  private keyOf(raw: Record<string, unknown>): string {
    const id = String(recordValueAt(raw, 'Id'));
    return this.query.continuous ? `${id}@${recordValueAt(raw, 'SystemModstamp')}` : id;
  }

  private async keep(position: QueryPosition): Promise<void> {
    this.after = position;
    await this.redis.set(this.options.positionKey, JSON.stringify(position), 'EX', POSITION_TTL_S);
  }

  async read(max: number, waitMs: number): Promise<SourceBatch> {
    const quiet = this.emptyAt + this.options.intervalMs - Date.now();
    if (this.query.continuous && quiet > 0) {
      await sleep(Math.min(quiet, waitMs));
      return { entries: [] };
    }
    if (!this.query.continuous && !this.after && (await this.bulkFits())) {
      // The job is kept as the position at once: a run after a crash reads its results instead of querying again.
      const job = await createQueryJob(this.session, this.query.soql, this.options.queryAll);
      await this.keep({ jobId: job.id, locator: '', moved: 0 });
    }
    return isBulk(this.after) ? this.readBulk(this.after, max) : this.readRest(this.after, max);
  }

  private async bulkFits(): Promise<boolean> {
    if (this.options.api !== 'auto') return this.options.api === 'bulk';
    // Before the first batch, the lag's count (if there was one) is the query's.
    return (this.restLeft?.left ?? (await this.countLeft(undefined))) > REST_MAX_ROWS;
  }

  /** The records past `after` (all of them without), counted by one COUNT() query. */
  private async countLeft(after: KeysetPosition | undefined): Promise<number> {
    const soql = countSoql(this.query, after);
    const first = await restQueryPages(this.session, soql, this.options.queryAll).next();
    const left = first.done ? 0 : first.value.totalSize;
    this.restLeft = { left, at: Date.now() };
    return left;
  }

  private async readRest(after: KeysetPosition | undefined, max: number): Promise<SourceBatch> {
    const entries: SourceEntry[] = [];
    let last: Record<string, unknown> | undefined;
    const soql = nextPageSoql(this.query, after, max, new Date(Date.now() - this.options.settleMs));
    for await (const page of restQueryPages(this.session, soql, this.options.queryAll)) {
      for (const raw of page.records) entries.push({ key: this.keyOf(raw), record: this.record(raw) });
      last = page.records.at(-1) ?? last;
    }
    if (!last) {
      this.emptyAt = Date.now();
      return { entries };
    }
    const id = String(recordValueAt(last, 'Id'));
    const stamp = this.query.continuous ? { stamp: String(recordValueAt(last, 'SystemModstamp')) } : {};
    return { entries, position: JSON.stringify({ id, ...stamp }) };
  }

  private async readBulk(at: BulkPosition, max: number): Promise<SourceBatch> {
    if (at.locator === null) {
      await deleteQueryJob(this.session, at.jobId).catch(() => undefined);
      return { entries: [] };
    }
    this.jobTotal ??= (await completedQueryJob(this.session, at.jobId)) ?? 0;
    const page = await bulkPage(this.session, at.jobId, at.locator || null, max, this.query.columns);
    const idColumn = this.query.columns.find((c) => c.toLowerCase() === 'id');
    const entries = page.records.map((record, i): SourceEntry => {
      const key = idColumn ? String(record[idColumn]) : `${at.jobId}/${at.locator || 'first'}/${i}`;
      return { key, record };
    });
    const position: BulkPosition = { jobId: at.jobId, locator: page.next, moved: at.moved + entries.length };
    return { entries, position: JSON.stringify(position) };
  }

  async ack(batch: SourceBatch): Promise<void> {
    const position = parsePosition(batch.position);
    if (position) await this.keep(position);
    if (this.restLeft) this.restLeft.left = Math.max(0, this.restLeft.left - batch.entries.length);
  }

  /**
   * Through Bulk, what is left of the job. Through REST, the records past the position, counted again now and then
   * (REST_LAG_EVERY_MS; a continuous query: what changed since, changes not yet settled included); a count that
   * fails leaves the last one.
   */
  async lag(): Promise<number | undefined> {
    if (isBulk(this.after)) return this.jobTotal === undefined ? undefined : Math.max(0, this.jobTotal - this.after.moved);
    // A one-shot Bulk read has not made its job yet: its job's total will be the lag.
    if (!this.query.continuous && this.options.api === 'bulk') return undefined;
    const every = this.query.continuous ? Math.max(REST_LAG_EVERY_MS, this.options.intervalMs) : REST_LAG_EVERY_MS;
    if (this.restLeft && Date.now() - this.restLeft.at < every) return this.restLeft.left;
    return this.countLeft(this.after).catch(() => this.restLeft?.left);
  }

  async close(): Promise<void> {}
}
