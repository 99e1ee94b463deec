import { AppError } from '../../errors.js';

/** A file the readers cannot accept: always 422 with a message that says where and what to do. */
export function readerError(code: string, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, 422, message, { details });
}
