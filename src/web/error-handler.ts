import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, isAppError, type Translatable } from '../errors.js';
import { logger } from '../logger.js';
import type { ErrorBody } from '../openapi/error-body.js';

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof ZodError) {
    const details = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return new AppError('VALIDATION_FAILED', 400, `The request is invalid: ${details.map((d) => `${d.path || 'body'}: ${d.message}`).join('; ')}`, { details });
  }
  const status = (error as { status?: number; statusCode?: number })?.status ?? (error as { statusCode?: number })?.statusCode;
  // body-parser and friends set expose on client errors (bad JSON, too large).
  if (typeof status === 'number' && status >= 400 && status < 500 && (error as { expose?: boolean }).expose) {
    return new AppError((error as { type?: string }).type?.toUpperCase().replace(/\W+/g, '_') ?? 'BAD_REQUEST', status, (error as Error).message);
  }
  return new AppError('INTERNAL', 500, 'Something went wrong on our side. The error was logged; please try again or contact an administrator.', { cause: error, expose: false });
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', 404, `Nothing is at ${req.method} ${req.path}.`));
};

/** One error handler: JSON for API clients, the EJS error page for browsers (by Accept). */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    logger('http').error({ err: appError.cause ?? error, reqId: req.id, method: req.method, url: req.originalUrl }, 'request failed');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  const sayIt = res.locals.say as ((message: Translatable) => string) | undefined;
  const localized = appError.i18n && sayIt ? appError.i18n.map(sayIt).join(' ') : appError.message;
  const message = appError.expose ? localized : 'Something went wrong on our side. The error was logged; please try again or contact an administrator.';
  res.status(appError.status);
  // The audit trail records why a change was refused.
  res.locals.errorCode = appError.code;
  const wantsHtml = !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
  if (wantsHtml) {
    const title = typeof res.locals.t === 'function' ? (res.locals.t as (k: string, p: object) => string)('error.title', { status: appError.status }) : `Error ${appError.status}`;
    res.render('pages/error', { title, status: appError.status, code: appError.code, message });
    return;
  }
  const details = appError.expose && appError.details !== undefined ? { details: appError.details } : {};
  const body: ErrorBody = { error: { code: appError.code, message, ...details, requestId: String(req.id ?? '') } };
  res.json(body);
};
