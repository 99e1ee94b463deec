import {
  createQueryJob, csvRows, deleteQueryJob, queryResultsPage, sfJson, waitForQueryJob, withRetries, type SalesforceSession,
} from '../salesforce/index.js';
import { AppError } from '../errors.js';

/** Fields read back besides the written ones: who wrote a record last, and when. */
export const AUDIT_FIELDS = ['LastModifiedDate', 'SystemModstamp', 'LastModifiedById'] as const;

/** Ids per `Id IN (...)` query: 2,000 quoted 18-character Ids keep a SOQL statement near 42,000 of its 100,000 characters. */
const IDS_PER_QUERY = 2000;
/** A range query is used while the range holds at most this many records per written one (others' records are read and dropped). */
const RANGE_SLACK = 1.5;
const QUERY_DEADLINE_MS = 30 * 60_000;
/**
 * Tries of a batch's whole read: a connection cut while a results page streams (a busy org closing a kept-alive
 * socket) fails no single call that could be retried alone, so the batch is read again from its first query.
 */
const BATCH_TRIES = 4;
const PAGE_RECORDS = 50_000;

/** A record as a Bulk query returns it: CSV text by field name (as asked for), empty for null. */
export type StoredRecord = Record<string, string>;

/** One Bulk API 2.0 query, every results page read, the job deleted after. */
async function bulkQuery(session: SalesforceSession, soql: string, fields: string[], into: Map<string, StoredRecord>): Promise<void> {
  const job = await createQueryJob(session, soql, false);
  try {
    const info = await waitForQueryJob(session, job.id, Date.now() + QUERY_DEADLINE_MS);
    if (info.state !== 'JobComplete') {
      const reason = info.errorMessage ?? `the job ended ${info.state}`;
      throw new AppError('RECONCILE_QUERY_FAILED', 502, `Salesforce did not complete Bulk query job ${job.id}: ${reason}.`);
    }
    let locator: string | null = null;
    do {
      const page = await queryResultsPage(session, job.id, locator, PAGE_RECORDS);
      let positions: number[] | undefined;
      for await (const rows of csvRows(page.body)) {
        for (const row of rows) {
          if (!positions) {
            const header = row.map((name) => name.toLowerCase());
            positions = fields.map((f) => header.indexOf(f.toLowerCase()));
            continue;
          }
          const record: StoredRecord = {};
          fields.forEach((f, i) => { record[f] = row[positions![i]!] ?? ''; });
          into.set(record.Id ?? '', record);
        }
      }
      locator = page.next;
    } while (locator);
  } finally {
    await deleteQueryJob(session, job.id).catch(() => undefined);
  }
}

const quoted = (id: string) => `'${id}'`;

/** Whether the Ids' range holds few records besides them (a COUNT() through REST). */
async function rangeIsNarrow(session: SalesforceSession, object: string, range: string, ids: number): Promise<boolean> {
  const counted = await sfJson<{ totalSize: number }>(session, {
    method: 'GET', path: `/query?q=${encodeURIComponent(`SELECT COUNT() FROM ${object} WHERE ${range}`)}`,
  });
  return counted.totalSize <= ids * RANGE_SLACK + 100;
}

/**
 * The org's records of `ids` (18-character, of one batch) with `fields`: one query over the Ids' range when the
 * range holds few other records, otherwise `Id IN (...)` queries of 2,000 Ids. Records one batch `created` have near
 * Ids (the org hands them out in order, others' inserts at the same time aside): their range is not counted first.
 */
export async function queryRecords(
  session: SalesforceSession, object: string, ids: string[], fields: string[], created: boolean,
): Promise<Map<string, StoredRecord>> {
  return withRetries(() => readRecords(session, object, ids, fields, created), { resend: 'any', tries: BATCH_TRIES });
}

async function readRecords(
  session: SalesforceSession, object: string, ids: string[], fields: string[], created: boolean,
): Promise<Map<string, StoredRecord>> {
  const select = ['Id', ...fields.filter((f) => f.toLowerCase() !== 'id'), ...AUDIT_FIELDS];
  const unique = [...new Map(select.map((f) => [f.toLowerCase(), f])).values()];
  const found = new Map<string, StoredRecord>();
  const sorted = [...ids].sort();
  const from = `SELECT ${unique.join(', ')} FROM ${object} WHERE`;
  const range = `Id >= ${quoted(sorted[0]!)} AND Id <= ${quoted(sorted.at(-1)!)}`;
  if (created || (await rangeIsNarrow(session, object, range, ids.length))) {
    await bulkQuery(session, `${from} ${range}`, unique, found);
  } else {
    for (let i = 0; i < sorted.length; i += IDS_PER_QUERY) {
      await bulkQuery(session, `${from} Id IN (${sorted.slice(i, i + IDS_PER_QUERY).map(quoted).join(',')})`, unique, found);
    }
  }
  return found;
}
