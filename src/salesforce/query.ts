import type { SalesforceSession } from './connection-factory.js';
import type { HttpBody } from '../http/index.js';
import { sfFetch, sfJson } from './http.js';
import { jobPath, waitForJob, type JobInfo } from './bulk-ingest-writer.js';

/** A REST query answer: one page of up to 2,000 records (salesforce-api.md section 4). */
export interface RestQueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

/** `nextRecordsUrl` is absolute (`/services/data/vNN.0/query/01g...-2000`); sfFetch adds the version prefix itself. */
const underVersion = (url: string): string => url.replace(/^\/services\/data\/v\d+\.\d+/, '');

/** REST /query (or /queryAll with deleted and archived records), page after page through nextRecordsUrl. */
export async function* restQueryPages(
  session: SalesforceSession, soql: string, queryAll: boolean,
): AsyncGenerator<RestQueryPage> {
  let path: string | undefined = `/${queryAll ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`;
  while (path) {
    const page: RestQueryPage = await sfJson<RestQueryPage>(session, { method: 'GET', path });
    yield page;
    path = page.done || !page.nextRecordsUrl ? undefined : underVersion(page.nextRecordsUrl);
  }
}

/** Creates a Bulk API 2.0 query job (`queryAll` includes deleted and archived records); Salesforce runs it at once. */
export function createQueryJob(session: SalesforceSession, soql: string, queryAll: boolean): Promise<JobInfo> {
  const operation = queryAll ? 'queryAll' : 'query';
  const json = { operation, query: soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' };
  return sfJson<JobInfo>(session, { method: 'POST', path: '/jobs/query', json });
}

/** Polls a query job until it is JobComplete, Failed or Aborted (never deletes it on the way). */
export function waitForQueryJob(session: SalesforceSession, jobId: string, deadline: number): Promise<JobInfo> {
  return waitForJob(session, jobId, { deadline, kind: 'query', initialMs: 100, factor: 1.5, maxMs: 5000 });
}

/** One page of results: its CSV body (header first) as it arrives, and the locator of the next page (null: last). */
export interface QueryResultsPage {
  body: HttpBody;
  next: string | null;
}

/**
 * One results page, from `locator` (the first page without). Follows `Sforce-Locator` itself: jsforce 3.10.16's
 * bulk2.query breaks on results of more than one page. `maxRecords` bounds the page; Salesforce may send fewer.
 */
export async function queryResultsPage(
  session: SalesforceSession, jobId: string, locator: string | null, maxRecords: number,
): Promise<QueryResultsPage> {
  const params = new URLSearchParams({ maxRecords: String(maxRecords) });
  if (locator) params.set('locator', locator);
  const path = `${jobPath(jobId, 'query')}/results?${params}`;
  const response = await sfFetch(session, { method: 'GET', path, accept: 'text/csv' });
  const header = response.header('sforce-locator');
  return { body: response.body, next: header && header !== 'null' ? header : null };
}

/** Deletes a finished query job and its results (they would otherwise stay for 7 days). */
export async function deleteQueryJob(session: SalesforceSession, jobId: string): Promise<void> {
  const response = await sfFetch(session, { method: 'DELETE', path: jobPath(jobId, 'query') });
  await response.bytes();
}
