import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { restQueryPages, type SalesforceSession } from '../../salesforce/index.js';
import { recordValueAt } from '../../exports/index.js';
import type { SourceBatch, SourceEntry, TransferSource } from '../ends.js';
import type { TransferRecord } from '../model.js';
import { QueryPosition, nextPageSoql, type KeysetQuery } from './keyset-query.js';

/** The position is also kept in Redis at every acknowledgement, for this long after the last one. */
const POSITION_TTL_S = 30 * 24 * 3600;

export interface QuerySourceOptions {
  queryAll: boolean;
  /** Continuous: how long after an empty answer the query runs again. */
  intervalMs: number;
  /** Redis key holding the position as acknowledged (the transfer document has it as of its last save). */
  positionKey: string;
}

const parsePosition = (text: string | null | undefined): QueryPosition | undefined => {
  if (!text) return undefined;
  const parsed = QueryPosition.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
};

/**
 * A Salesforce query read batch by batch, each batch a REST query (its pages followed through nextRecordsUrl) for
 * the next records after the last one acknowledged: ORDER BY Id for a one-shot transfer, ORDER BY SystemModstamp, Id
 * for a continuous one, which then asks again every interval for records created or changed since. The position is
 * plain data (an Id and a SystemModstamp): it survives restarts and needs no query locator.
 */
export class SalesforceQuerySource implements TransferSource {
  private emptyAt = 0;

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

  async read(max: number, waitMs: number): Promise<SourceBatch> {
    const quiet = this.emptyAt + this.options.intervalMs - Date.now();
    if (this.query.continuous && quiet > 0) {
      await sleep(Math.min(quiet, waitMs));
      return { entries: [] };
    }
    const entries: SourceEntry[] = [];
    let last: Record<string, unknown> | undefined;
    const pages = restQueryPages(this.session, nextPageSoql(this.query, this.after, max), this.options.queryAll);
    for await (const page of pages) {
      for (const raw of page.records) entries.push({ key: this.keyOf(raw), record: this.record(raw) });
      last = page.records.at(-1) ?? last;
    }
    if (!last) {
      this.emptyAt = Date.now();
      return { entries };
    }
    const id = String(recordValueAt(last, 'Id'));
    const position: QueryPosition = { id, ...(this.query.continuous ? { stamp: String(recordValueAt(last, 'SystemModstamp')) } : {}) };
    return { entries, position: JSON.stringify(position) };
  }

  async ack(batch: SourceBatch): Promise<void> {
    const position = parsePosition(batch.position);
    if (!position) return;
    this.after = position;
    await this.redis.set(this.options.positionKey, JSON.stringify(position), 'EX', POSITION_TTL_S);
  }

  /** Unknown without one more API call per look. */
  async lag(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {}
}
