import { httpRequest, type HttpResponse } from '../http/index.js';
import { API_VERSION, type SalesforceSession } from './connection-factory.js';
import { countMetric } from '../metrics/index.js';
import { errorFromNetwork, errorFromResponse } from './errors.js';
import { withRetries, type RetryPolicy } from './retry.js';

export interface SfRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Under /services/data/vXX.X, e.g. `/composite/sobjects`. */
  path: string;
  json?: unknown;
  /** A body factory, so a request re-sent after a session refresh gets a fresh stream. */
  body?: () => AsyncIterable<Uint8Array> | string;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Whether the request may be sent twice: GETs and reads sent as POST (a SOQL or a retrieve) are; writes are sent
   * again by default only when Salesforce certainly did not apply them (503, 429, a refused connection).
   */
  idempotent?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** How a request is retried unless its caller says otherwise. */
export const retryPolicyOf = (request: SfRequest): RetryPolicy =>
  ({ resend: request.method === 'GET' || request.idempotent ? 'any' : 'rejected' });

/**
 * DMS's own HTTP calls (jsforce hides the HTTP status and cannot stream a Bulk upload or its
 * results): bearer from the session, one refresh and re-send on INVALID_SESSION_ID, the API usage
 * header recorded, every failure a classified SalesforceError, transient failures retried with
 * backoff by `retryPolicyOf`. A caller that keeps its own accounting of re-sends passes `policy`
 * `{ resend: 'rejected', tries: 1 }`.
 */
export function sfFetch(session: SalesforceSession, request: SfRequest, policy = retryPolicyOf(request)): Promise<HttpResponse> {
  return withRetries(() => sendOnce(session, request), policy);
}

async function sendOnce(session: SalesforceSession, request: SfRequest): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    const startedAt = Date.now();
    const { conn } = session;
    const url = `${conn.instanceUrl}/services/data/v${API_VERSION}${request.path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${conn.accessToken ?? ''}`, accept: request.accept ?? 'application/json', ...request.headers };
    let body: string | AsyncIterable<Uint8Array> | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    } else if (request.body) {
      body = request.body();
      headers['content-type'] = request.contentType ?? 'text/csv';
    }
    let response: HttpResponse;
    countMetric('dms_salesforce_api_calls_total', { connection: session.connectionId });
    try {
      response = await httpRequest(url, { method: request.method, headers, body, timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    } catch (error) {
      throw errorFromNetwork(error);
    }
    const usage = /api-usage=(\d+)\/(\d+)/.exec(response.header('sforce-limit-info') ?? '');
    if (usage) session.usage = { used: Number(usage[1]), limit: Number(usage[2]) };
    if (response.ok) return response;
    const text = await response.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON: keep the text */ }
    if (response.status === 401 && attempt === 0 && text.includes('INVALID_SESSION_ID')) {
      await session.refresh(startedAt);
      continue;
    }
    throw errorFromResponse(response.status, parsed);
  }
}

export async function sfJson<T>(session: SalesforceSession, request: SfRequest, policy?: RetryPolicy): Promise<T> {
  const response = await sfFetch(session, request, policy);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
