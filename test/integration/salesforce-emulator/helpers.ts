import jsforce from 'jsforce';
import { configureLogger } from '../../../src/logger.js';
import { startEmulator, type StartOptions } from '../../../src/salesforce-emulator/index.js';

export const VERSION = '62.0';
export const USERNAME = 'admin@local.org';
export const PASSWORD = 'password';
export const CLIENT_ID = 'dms-local';
export const CLIENT_SECRET = 'dms-local-secret';

configureLogger({ level: 'silent' });

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** Starts an emulator on a free loopback port with inspection on. */
export function start(options: StartOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, enableInspection: true, ...options });
}

export async function passwordToken(url: string): Promise<string> {
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: USERNAME, password: PASSWORD }),
  });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

/** A jsforce Connection with instanceUrl + accessToken, the way DMS connects. */
export async function connect(emulator: Emulator): Promise<jsforce.Connection> {
  return new jsforce.Connection({ instanceUrl: emulator.url, accessToken: await passwordToken(emulator.url), version: VERSION });
}

/** Plain fetch against the REST API with a fresh token. */
export async function api(emulator: Emulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const token = await passwordToken(emulator.url);
  return fetch(`${emulator.url}/services/data/v${VERSION}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function inspect(emulator: Emulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulator.url}/__emulator${path}`, {
    method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}
