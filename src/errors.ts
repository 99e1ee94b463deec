/**
 * The one error type of DMS: a stable code, an HTTP status and a message a person can act on.
 * `expose` says whether the message may be shown to the user as is (unknown errors never are).
 */
/** A message by its catalogue key (locales/<locale>/*.json): the error handler says it in the reader's language. */
export interface Translatable { key: string; params?: Record<string, string | number> }

export interface AppErrorOptions { expose?: boolean; details?: unknown; cause?: unknown; i18n?: Translatable[] }

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly details?: unknown;
  /** The message as catalogue sentences (joined by a space); `message` is its English text. */
  readonly i18n?: Translatable[];

  constructor(code: string, status: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.details = options.details;
    this.i18n = options.i18n;
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', 404, `${what} was not found.`);

export const badRequest = (message: string, details?: unknown): AppError =>
  new AppError('BAD_REQUEST', 400, message, { details });

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
