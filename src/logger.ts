import { pino, type Logger } from 'pino';

/** The closed set of log categories; every log line carries one. */
export type LogCategory = 'http' | 'worker' | 'salesforce' | 'store' | 'frame' | 'queue' | 'app' | 'emulator' | 'datasets' | 'migrations';

let root: Logger = pino({ level: 'info', base: { app: 'dms' } });

/** Replaces the root logger (called once at boot with the configured level, or by tests). */
export function configureLogger(options: { level: string; pretty?: boolean }): void {
  root = pino({ level: options.level, base: { app: 'dms' } });
}

export function logger(category: LogCategory, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ category, ...bindings });
}
