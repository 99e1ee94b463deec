import type { Response } from 'express';
import type { SfError } from '../data/sf-error.js';

export interface ApiError {
  errorCode: string;
  message: string;
  fields?: string[];
}

/** REST and Bulk error bodies are JSON arrays of {message, errorCode, fields?}. */
export function sendErrors(res: Response, status: number, errors: ApiError[]): void {
  res.status(status).json(errors.map((e) => ({ message: e.message, errorCode: e.errorCode, ...(e.fields ? { fields: e.fields } : {}) })));
}

export function sendSfErrors(res: Response, status: number, errors: SfError[]): void {
  sendErrors(res, status, errors.map((e) => ({ errorCode: e.statusCode, message: e.message, fields: e.fields })));
}

export function notFound(res: Response): void {
  sendErrors(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
}

/** Per-record result items of collections: {id?, success, errors:[{statusCode, message, fields}]}. */
export function resultItem(id: string | null, errors: SfError[] | null, created?: boolean): Record<string, unknown> {
  return {
    ...(id ? { id } : {}),
    success: errors === null,
    errors: errors ? errors.map((e) => e.toJSON()) : [],
    ...(created === undefined ? {} : { created }),
  };
}
