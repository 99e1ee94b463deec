/**
 * The one error type of DMS: a stable code, an HTTP status and a message a person can act on.
 * `expose` says whether the message may be shown to the user as is (unknown errors never are).
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly details?: unknown;

  constructor(code: string, status: number, message: string, options: { expose?: boolean; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.details = options.details;
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', 404, `${what} was not found.`);

export const badRequest = (message: string, details?: unknown): AppError =>
  new AppError('BAD_REQUEST', 400, message, { details });

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
