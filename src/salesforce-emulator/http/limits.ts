import type { NextFunction, Request, Response } from 'express';
import type { EmulatorState } from '../state.js';
import { sendErrors } from './respond.js';

/** Counts the call against the daily budget, sends Sforce-Limit-Info, and refuses with 403 when the budget is spent. */
export function limitMiddleware(state: EmulatorState) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const limit = state.options.dailyApiRequests;
    if (state.apiUsage.used >= limit) {
      res.set('Sforce-Limit-Info', `api-usage=${state.apiUsage.used}/${limit}`);
      sendErrors(res, 403, [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }]);
      return;
    }
    state.apiUsage.used += 1;
    res.set('Sforce-Limit-Info', `api-usage=${state.apiUsage.used}/${limit}`);
    next();
  };
}

/** `GET /limits`: {Name: {Max, Remaining}} as an org answers it. */
export function limitsBody(state: EmulatorState): Record<string, unknown> {
  const max = state.options.dailyApiRequests;
  const jobs = state.jobs?.countToday() ?? { ingestBatches: 0, queryJobs: 0 };
  const rows = state.store.count();
  const storageMb = Math.ceil(rows * 2 / 1024);
  const entry = (m: number, remaining: number) => ({ Max: m, Remaining: Math.max(0, remaining) });
  return {
    ConcurrentAsyncGetReportInstances: entry(200, 200),
    DailyApiRequests: entry(max, max - state.apiUsage.used),
    DailyAsyncApexExecutions: entry(250000, 250000),
    DailyBulkApiBatches: entry(15000, 15000 - jobs.ingestBatches),
    DailyBulkV2QueryFileStorageMB: entry(976562, 976562),
    DailyBulkV2QueryJobs: entry(10000, 10000 - jobs.queryJobs),
    DataStorageMB: entry(1024, 1024 - storageMb),
    FileStorageMB: entry(1024, 1024),
    HourlyODataCallout: entry(10000, 10000),
  };
}
