/**
 * One error shape for every Salesforce call DMS makes, with the two questions the engine asks:
 * is it worth retrying (transient), and did Salesforce possibly apply the request (outcome)?
 */
export type CallOutcome = 'rejected' | 'unknown';

export class SalesforceError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly options: { status?: number; transient: boolean; outcome: CallOutcome; dailyLimit?: boolean; fields?: string[] },
  ) {
    super(message);
    this.name = 'SalesforceError';
  }
  get transient(): boolean { return this.options.transient; }
  get outcome(): CallOutcome { return this.options.outcome; }
  /** The org's rolling 24 h API budget is spent: pause, do not hammer. */
  get dailyLimit(): boolean { return this.options.dailyLimit === true; }
  get status(): number | undefined { return this.options.status; }
}

/** Per-record status codes that a later attempt may clear. */
const TRANSIENT_ROW_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'REQUEST_RUNNING_TOO_LONG', 'SERVER_UNAVAILABLE']);

export function isTransientRowError(statusCode: string): boolean {
  return TRANSIENT_ROW_CODES.has(statusCode);
}

/** The server answered 5xx before or after applying the request: 503/420/429 mean "not now", 500/502/504 may hide a write. */
const NOT_APPLIED_STATUS = new Set([420, 429, 503]);
const MAYBE_APPLIED_STATUS = new Set([500, 502, 504]);

/** Classifies an HTTP error answer (`[{errorCode, message}]` or anything else). */
export function errorFromResponse(status: number, body: unknown): SalesforceError {
  const first = Array.isArray(body) ? (body[0] as { errorCode?: string; message?: string; fields?: string[] } | undefined) : undefined;
  const errorCode = first?.errorCode ?? `ERROR_HTTP_${status}`;
  const message = first?.message ?? (typeof body === 'string' && body ? body.slice(0, 500) : `HTTP ${status}`);
  if (errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    return new SalesforceError(errorCode, message, { status, transient: true, outcome: 'rejected', dailyLimit: /TotalRequests/i.test(message) });
  }
  if (NOT_APPLIED_STATUS.has(status)) return new SalesforceError(errorCode, message, { status, transient: true, outcome: 'rejected' });
  if (MAYBE_APPLIED_STATUS.has(status)) return new SalesforceError(errorCode, message, { status, transient: true, outcome: 'unknown' });
  return new SalesforceError(errorCode, message, { status, transient: false, outcome: 'rejected', fields: first?.fields });
}

/** A request that never got an answer: refused connections were not sent, anything else may have been applied. */
export function errorFromNetwork(error: unknown): SalesforceError {
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code ?? (error as Error)?.name ?? 'NETWORK_ERROR';
  const message = `Salesforce did not answer (${code}): ${(error as Error)?.message ?? String(error)}`;
  const outcome: CallOutcome = code === 'ECONNREFUSED' || code === 'ENOTFOUND' ? 'rejected' : 'unknown';
  return new SalesforceError(code, message, { transient: true, outcome });
}

/** Anything thrown by a call (ours or jsforce's), as a SalesforceError. */
export function toSalesforceError(error: unknown): SalesforceError {
  if (error instanceof SalesforceError) return error;
  const code = (error as { errorCode?: string })?.errorCode;
  if (code) {
    const status = /^ERROR_HTTP_(\d{3})$/.exec(code)?.[1];
    const guessed = status ? Number(status) : code === 'SERVER_UNAVAILABLE' ? 503 : code === 'REQUEST_LIMIT_EXCEEDED' ? 403 : 400;
    return errorFromResponse(guessed, [{ errorCode: code, message: (error as Error).message }]);
  }
  return errorFromNetwork(error);
}
