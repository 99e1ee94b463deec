import { parseArgs, type ParseArgsConfig } from 'node:util';
import { apiClient, type ApiClient } from './api.js';
import { usage } from './exit.js';
import { progressReporter, type Progress } from './progress.js';
import { say } from './say.js';
import { currentLogin } from './settings.js';

/** What every client command shares: its options parsed, the API client, the progress reporter, stdout. */
const COMMON = { json: { type: 'boolean' }, timeout: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

export interface Context { api: ApiClient; progress: Progress; json: boolean; timeoutSeconds?: number; positionals: string[] }

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage((error as Error).message);
  }
}

function timeoutOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw usage(say('cli.badTimeout', { value: text }));
  return seconds;
}

export async function context(values: { json?: boolean; timeout?: string }, positionals: string[]): Promise<Context> {
  const json = values.json ?? false;
  return { api: apiClient(await currentLogin()), progress: progressReporter({ json }), json, timeoutSeconds: timeoutOf(values.timeout), positionals };
}

export const print = (text: string) => process.stdout.write(`${text}\n`);
