import { createSign } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'jsforce';
import type * as JsforceModule from 'jsforce';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { LOCAL_ORG_LOGIN, type SalesforceCredentials } from './credentials.js';
import { errorFromNetwork, errorFromResponse, type SalesforceError } from './errors.js';
import { backoffMs, CALL_TRIES } from './retry.js';
import { sharedToken, type Token, type TokenStore } from './shared-login.js';

/** Every Connection speaks this version (SOAP login is gone from 65.0; Collections upsert needs 46.0+). */
export const API_VERSION = '62.0';

/** A logged-in org: the jsforce Connection plus a refresh that both jsforce and DMS's own HTTP calls share. */
export interface SalesforceSession {
  connectionId: string;
  conn: Connection;
  /** Gets a new access token unless one was obtained after `since` (epoch ms) by a concurrent caller. */
  refresh(since: number): Promise<void>;
  /** Latest `Sforce-Limit-Info: api-usage=USED/LIMIT` seen on any answer. */
  usage?: { used: number; limit: number };
}

type Jsforce = Pick<typeof JsforceModule, 'Connection'>;
let jsforce: Promise<Jsforce> | undefined;
/** Loading jsforce costs ~0.3 s: once per process. */
export const loadJsforce = (): Promise<Jsforce> => (jsforce ??= import('jsforce').then((m) => ({ Connection: m.Connection })));

/** Answers to a login that mean "not now": tried again with the engine's backoff, like every other call. */
const LOGIN_NOT_NOW = new Set([420, 429, 500, 502, 503, 504]);

/**
 * One token from the OAuth endpoint. A 5xx, 420/429 or a lost connection is tried again (CALL_TRIES, backoff as in
 * retry.ts: a token asked twice does no harm); a refusal (bad credentials) is not.
 */
async function tokenRequest(loginUrl: string, form: Record<string, string>): Promise<Token> {
  for (let attempt = 1; ; attempt++) {
    let response: Response | undefined;
    let failure: SalesforceError | undefined;
    try {
      response = await fetch(new URL('/services/oauth2/token', loginUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form),
      });
    } catch (error) {
      failure = errorFromNetwork(error);
    }
    if (response && !LOGIN_NOT_NOW.has(response.status)) return tokenOf(loginUrl, response);
    if (response) {
      const text = await response.text().catch(() => '');
      failure = errorFromResponse(response.status, text);
    }
    if (attempt >= CALL_TRIES) {
      throw new AppError('SALESFORCE_AUTH_FAILED', 502, `Salesforce did not answer the login at ${loginUrl} after ${attempt} tries: ${failure?.message}`, { cause: failure });
    }
    await sleep(backoffMs(attempt - 1));
  }
}

async function tokenOf(loginUrl: string, response: Response): Promise<Token> {
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; instance_url?: string; error?: string; error_description?: string };
  if (!response.ok || !body.access_token || !body.instance_url) {
    throw new AppError('SALESFORCE_AUTH_FAILED', 502, `Salesforce refused the login at ${loginUrl}: ${body.error_description ?? body.error ?? `HTTP ${response.status}`}`);
  }
  return { accessToken: body.access_token, instanceUrl: body.instance_url };
}

function jwtAssertion(c: Extract<SalesforceCredentials, { kind: 'jwt' }>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256' })}.${encode({ iss: c.clientId, sub: c.username, aud: c.loginUrl, exp: Math.floor(Date.now() / 1000) + 180 })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(c.privateKeyPem).toString('base64url')}`;
}

/** One token for the OAuth-style kinds; `undefined` for a password login without a connected app (SOAP). */
function tokenFor(c: SalesforceCredentials): Promise<Token> | undefined {
  switch (c.kind) {
    case 'local':
      return tokenRequest(c.url, { grant_type: 'password', client_id: LOCAL_ORG_LOGIN.clientId, client_secret: LOCAL_ORG_LOGIN.clientSecret, username: LOCAL_ORG_LOGIN.username, password: LOCAL_ORG_LOGIN.password });
    case 'password':
      if (!c.clientId || !c.clientSecret) return undefined;
      return tokenRequest(c.loginUrl, { grant_type: 'password', client_id: c.clientId, client_secret: c.clientSecret, username: c.username, password: c.password + (c.securityToken ?? '') });
    case 'jwt':
      return tokenRequest(c.loginUrl, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwtAssertion(c) });
    case 'oauth':
      return tokenRequest(new URL(c.instanceUrl).origin, { grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.clientId, ...(c.clientSecret ? { client_secret: c.clientSecret } : {}) });
  }
}

/** A new login of any kind: an OAuth token request, or jsforce's SOAP login for a password without a connected app. */
async function login(c: SalesforceCredentials): Promise<Token> {
  const token = tokenFor(c);
  if (token) return token;
  if (c.kind !== 'password') throw new Error(`No login for credentials of kind ${c.kind}`);
  const { Connection } = await loadJsforce();
  const conn = new Connection({ loginUrl: c.loginUrl, version: API_VERSION });
  await conn.login(c.username, c.password + (c.securityToken ?? ''));
  return { accessToken: conn.accessToken ?? '', instanceUrl: conn.instanceUrl };
}

/**
 * Opens a session and wires the refresh into jsforce (401 -> refresh -> re-send). With a `store`, the token is the
 * one the deployment's processes share: a process logs in only when none is stored, and a token Salesforce refuses
 * is replaced by one login, by the first process that sees the refusal. Without one (a "Test connection"), it logs in.
 */
export async function openSession(connectionId: string, credentials: SalesforceCredentials, store?: TokenStore): Promise<SalesforceSession> {
  const { Connection } = await loadJsforce();
  const log = logger('salesforce', { connectionId });
  const fresh = (failed?: string) => (store ? sharedToken(store, () => login(credentials), failed) : login(credentials));
  const given = credentials.kind === 'oauth' && credentials.accessToken ? { accessToken: credentials.accessToken, instanceUrl: credentials.instanceUrl } : undefined;
  // A shared token first; `fresh` reads it itself (one read), and logs in only when none is stored.
  const first = given ? ((await store?.read()) ?? given) : await fresh();
  const conn = new Connection({
    version: API_VERSION,
    instanceUrl: first.instanceUrl,
    accessToken: first.accessToken,
    refreshFn: (c, callback) => {
      fresh(c.accessToken ?? undefined).then(
        (token) => {
          c.accessToken = token.accessToken;
          c.instanceUrl = token.instanceUrl;
          log.info('Salesforce session refreshed');
          callback(null, token.accessToken);
        },
        (error: Error) => callback(error),
      );
    },
  });
  return sessionOf(connectionId, conn);
}

function sessionOf(connectionId: string, conn: Connection): SalesforceSession {
  return {
    connectionId,
    conn,
    async refresh(since) {
      const delegate = conn._refreshDelegate;
      if (!delegate) throw new AppError('SALESFORCE_SESSION_EXPIRED', 502, 'The Salesforce session expired and this connection cannot refresh it; log in again.');
      await delegate.refresh(since);
    },
  };
}

/** Resolves a connection id to its credentials (the connections room in production; tests pass their own). */
export type CredentialsLoader = (connectionId: string) => Promise<SalesforceCredentials>;
/** The store where processes share a connection's token (none: every process logs in on its own). */
export type TokenStoreFor = (connectionId: string, credentials: SalesforceCredentials) => TokenStore | undefined;

/** Sessions are cached per process: login once (or take the token another process shares), refresh on expiry. */
export class SessionPool {
  private readonly sessions = new Map<string, Promise<SalesforceSession>>();

  constructor(private readonly load: CredentialsLoader, private readonly tokenStore: TokenStoreFor = () => undefined) {}

  get(connectionId: string): Promise<SalesforceSession> {
    let session = this.sessions.get(connectionId);
    if (!session) {
      session = this.load(connectionId).then((credentials) => openSession(connectionId, credentials, this.tokenStore(connectionId, credentials)));
      session.catch(() => this.sessions.delete(connectionId));
      this.sessions.set(connectionId, session);
    }
    return session;
  }

  forget(connectionId: string): void {
    this.sessions.delete(connectionId);
  }
}
