import { CliError, EXIT } from './exit.js';
import { say } from './say.js';
import type { SavedLogin } from './settings.js';

export interface ApiClient {
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** The raw response of a download or a multipart upload, after the same error checks. */
  send(method: string, path: string, body?: FormData): Promise<Response>;
}

/** One line from the server's error shape: code, message and request id (which finds the server's log lines). */
async function failure(res: Response, what: string): Promise<CliError> {
  const text = await res.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string; requestId?: string } };
    const request = error.requestId ? ` (request ${error.requestId})` : '';
    return new CliError(EXIT.refused, `${what}: ${res.status} ${error.code}: ${error.message}${request}`);
  } catch {
    return new CliError(EXIT.refused, `${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }
}

export function apiClient(login: Pick<SavedLogin, 'url' | 'token'>): ApiClient {
  const base = login.url.replace(/\/+$/, '');
  const request = async (method: string, path: string, body?: FormData | string): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${login.token}`, accept: 'application/json' };
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers, body });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new CliError(EXIT.refused, say('cli.unreachable', { url: base, reason: cause?.code ?? (error as Error).message }));
    }
    if (!res.ok) throw await failure(res, `${method} ${path}`);
    return res;
  };
  return {
    send: (method, path, body) => request(method, path, body),
    async json(method, path, body) {
      const res = await request(method, path, body === undefined ? undefined : JSON.stringify(body));
      return (res.status === 204 ? undefined : await res.json()) as never;
    },
  };
}
