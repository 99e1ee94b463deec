import { readFile } from 'node:fs/promises';
import type { ApiClient } from './api.js';
import { CliError, EXIT, usage, type ExitCode } from './exit.js';
import type { Progress } from './progress.js';
import { say } from './say.js';
import { waitUntil } from './wait.js';

export interface TransferView {
  id: string; name: string; status: string; mode: string; lag?: number;
  source: { kind: string }; target: { kind: string };
  counts: { recordsIn: number; recordsOut: number; skipped: number; deadLetters: number; batches: number; errors: number };
  boundState: { full: boolean; used?: number; limit?: number; reason?: string };
  error?: { code: string; message: string };
}

export interface DeadLetterView { key: string; code: string; reason: string; attempts: number; record: Record<string, unknown> }
export interface DeadLetterPageView { deadLetters: DeadLetterView[]; page: number; pageSize: number; total: number; hasNext: boolean }

const ENDED = new Set(['completed', 'failed', 'stopped']);
export const isEnded = (t: TransferView) => ENDED.has(t.status);
const path = (id: string, rest = '') => `/api/v1/transfers/${encodeURIComponent(id)}${rest}`;

/** 0: completed with no dead letter; 1: completed, some records refused (dead letters); 3: failed or stopped. */
export function transferExitCode(t: TransferView): ExitCode {
  if (!isEnded(t)) return EXIT.ok;
  if (t.status !== 'completed') return EXIT.refused;
  return t.counts.deadLetters > 0 ? EXIT.rowsFailed : EXIT.ok;
}

/** One line a script can cut on tabs: id, status, from -> to, out/in, dead letters, name. */
export function transferLine(t: TransferView): string {
  const error = t.error ? ` (${t.error.code}: ${t.error.message})` : '';
  const moved = say('cli.transferMoved', { out: t.counts.recordsOut, in: t.counts.recordsIn, dead: t.counts.deadLetters });
  return [t.id, `${t.status}${error}`, `${t.source.kind} -> ${t.target.kind}`, moved, t.name].join('\t');
}

/** The fields of an end that are numbers; every other `key=value` stays text (a stream may be named 2024). */
const NUMERIC_FIELDS = new Set(['reserveCalls']);

/** An end from `--source KIND [--source-url URL] [--source-set key=value ...]` (and the same for the target). */
function endOf(kind: string, url: string | undefined, pairs: string[] = []): Record<string, unknown> {
  const end: Record<string, unknown> = { kind, ...(url ? { url } : {}) };
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usage(say('cli.badPair', { pair }));
    const [key, value] = [pair.slice(0, at), pair.slice(at + 1)];
    end[key] = NUMERIC_FIELDS.has(key) && /^\d+$/.test(value) ? Number(value) : value;
  }
  return end;
}

export interface StartOptions {
  file?: string; source?: string; target?: string; 'source-url'?: string; 'target-url'?: string;
  'source-set'?: string[]; 'target-set'?: string[]; pipeline?: string; name?: string; 'batch-size'?: string;
  bound?: string; continuous?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON file (`-`: stdin). */
async function readJson(file: string): Promise<unknown> {
  const read = () => readFile(file, 'utf8').catch(() => Promise.reject(usage(say('cli.noFile', { file }))));
  const text = file === '-' ? await readStdin() : await read();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usage(say('cli.badJson', { file, reason: (error as Error).message }));
  }
}

const count = (option: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw usage(say('cli.badNumber', { option, value: text }));
  return Number(text);
};

/** The body of POST /api/v1/transfers: a JSON file (`-` for stdin), or the ends from flags; flags win over the file. */
export async function transferRequestOf(options: StartOptions): Promise<Record<string, unknown>> {
  const byFile = options.file !== undefined;
  if (byFile === (options.source !== undefined && options.target !== undefined)) throw usage(say('cli.usage.transfers'));
  const body = byFile ? ((await readJson(options.file as string)) as Record<string, unknown>) : {
    source: endOf(options.source as string, options['source-url'], options['source-set']),
    target: endOf(options.target as string, options['target-url'], options['target-set']),
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw usage(say('cli.usage.transfers'));
  const batchSize = count('--batch-size', options['batch-size']);
  const bound = count('--bound', options.bound);
  return {
    ...body,
    ...(options.pipeline ? { pipeline: await readJson(options.pipeline) } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(bound !== undefined ? { bound } : {}),
    ...(options.continuous ? { mode: 'continuous' } : {}),
  };
}

export const listTransfers = async (api: ApiClient): Promise<TransferView[]> =>
  (await api.json<{ transfers: TransferView[] }>('GET', '/api/v1/transfers')).transfers;

export const readTransfer = (api: ApiClient, id: string) => api.json<TransferView>('GET', path(id));

export async function startTransfer(api: ApiClient, body: Record<string, unknown>, progress: Progress): Promise<TransferView> {
  const started = await api.json<TransferView>('POST', '/api/v1/transfers', body);
  progress.note(say('cli.transferStarted', { id: started.id, name: started.name }));
  return started;
}

export const controlTransfer = (api: ApiClient, id: string, action: 'pause' | 'resume' | 'stop') =>
  api.json<TransferView>('POST', path(id, `/${action}`));

/** Follows a one-shot transfer to its end: records out against records in plus what the source still holds. */
export async function waitForTransfer(api: ApiClient, id: string, progress: Progress, timeoutSeconds?: number): Promise<TransferView> {
  const first = await readTransfer(api, id);
  if (first.mode === 'continuous') throw usage(say('cli.waitContinuous', { id }));
  const done = await waitUntil(() => readTransfer(api, id), isEnded, {
    what: say('cli.waitTransfer', { id }),
    timeoutSeconds,
    onValue: (t) => progress.update(t.status, t.counts.recordsOut + t.counts.skipped + t.counts.deadLetters, t.counts.recordsIn + (t.lag ?? 0)),
  });
  progress.end();
  return done;
}

export const deadLetters = (api: ApiClient, id: string, page: number, pageSize: number) =>
  api.json<DeadLetterPageView>('GET', path(id, `/dead-letters?page=${page}&pageSize=${pageSize}`));

/** Retries every dead letter, or those of one page (their keys); a fixed pipeline may come with it. */
export async function retryDeadLetters(api: ApiClient, id: string, keys?: string[], pipeline?: string): Promise<TransferView> {
  if (keys && keys.length === 0) throw new CliError(EXIT.refused, say('cli.noDeadLetters', { id }));
  const body = { ...(keys ? { keys } : {}), ...(pipeline ? { pipeline: await readJson(pipeline) } : {}) };
  return api.json<TransferView>('POST', path(id, '/dead-letters/retry'), body);
}

export const deadLetterLine = (l: DeadLetterView) => [l.key, l.code, String(l.attempts), l.reason, JSON.stringify(l.record)].join('\t');
