import { CsvPages } from '../../datasets/index.js';
import { AppError } from '../../errors.js';
import { queryResultsPage, waitForQueryJob, type SalesforceSession } from '../../salesforce/index.js';
import type { TransferRecord } from '../model.js';

/** A query job that has not finished by then fails the run (as an export's). */
const BULK_QUERY_DEADLINE_MS = 60 * 60_000;

/** Waits for a query job (created by this run or an earlier one) to complete; answers how many records it found. */
export async function completedQueryJob(session: SalesforceSession, jobId: string): Promise<number | undefined> {
  const info = await waitForQueryJob(session, jobId, Date.now() + BULK_QUERY_DEADLINE_MS);
  if (info.state === 'JobComplete') return info.numberRecordsProcessed;
  const reason = info.errorMessage ?? `the job ended ${info.state}`;
  throw new AppError('TRANSFER_QUERY_FAILED', 502, `Salesforce did not complete Bulk query job ${jobId}: ${reason}.`);
}

/**
 * One page of a query job's results, at most `max` records, as records of the query's columns (an empty value is
 * null, as REST gives it), and the locator of the next page (null: this was the last).
 */
export async function bulkPage(
  session: SalesforceSession, jobId: string, locator: string | null, max: number, columns: string[],
): Promise<{ records: TransferRecord[]; next: string | null }> {
  const page = await queryResultsPage(session, jobId, locator, max);
  const pages = new CsvPages(columns, max);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const bytes of (page.body ?? []) as unknown as AsyncIterable<Uint8Array>) pages.push(decoder.decode(bytes, { stream: true }));
  pages.push(decoder.decode());
  pages.endPage();
  const records: TransferRecord[] = [];
  for (const batch of pages.drain(true)) {
    for (const row of batch.rows) {
      const record: TransferRecord = {};
      columns.forEach((column, c) => {
        const value = row[c];
        record[column] = value === '' || value === undefined || value === null ? null : String(value);
      });
      records.push(record);
    }
  }
  return { records, next: page.next };
}
