import nano, { type ServerScope } from 'nano';
import type { CouchSettings } from '../config.js';
import { logger } from '../logger.js';

/** IBM IAM token endpoint; only used when a Cloudant API key is configured. */
const IAM_TOKEN_URL = 'https://iam.cloud.ibm.com/identity/token';

interface IamToken {
  value: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * Keeps an IAM bearer token for Cloudant: exchanged on first use, refreshed after 80 % of its
 * lifetime, one exchange in flight at a time.
 */
export class IamTokenSource {
  private token?: IamToken;
  private pending?: Promise<IamToken>;

  constructor(private readonly apiKey: string, private readonly tokenUrl = IAM_TOKEN_URL) {}

  async bearer(): Promise<string> {
    const now = Date.now();
    if (this.token && now < this.token.refreshAt) return this.token.value;
    if (this.token && now < this.token.expiresAt - 10_000) {
      void this.refresh().catch((err: unknown) => logger('store').warn({ err }, 'IAM token refresh failed; keeping the current token'));
      return this.token.value;
    }
    return (await this.refresh()).value;
  }

  private refresh(): Promise<IamToken> {
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async exchange(): Promise<IamToken> {
    const response = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: this.apiKey, response_type: 'cloud_iam' }),
    });
    if (!response.ok) throw new Error(`IAM token exchange failed with HTTP ${response.status}: check the Cloudant API key`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    const issuedAt = Date.now();
    this.token = {
      value: body.access_token,
      refreshAt: issuedAt + body.expires_in * 800,
      expiresAt: issuedAt + body.expires_in * 1000,
    };
    return this.token;
  }
}

export interface CouchClient {
  server: ServerScope;
  /** Call before a burst of requests: refreshes the IAM bearer header when IAM is in use. */
  authorize(): Promise<void>;
  displayUrl: string;
  /** The server's URL without credentials, ending in `/`, for requests made without nano (binary attachments). */
  baseUrl: string;
  /** The credentials nano sends (basic auth from the URL, or the IAM bearer once authorized), for those requests. */
  headers: Readonly<Record<string, string>>;
}

export function createCouchClient(settings: CouchSettings, iamTokenUrl?: string): CouchClient {
  const url = new URL(settings.url);
  const displayUrl = `${url.protocol}//${url.host}${url.pathname}`;
  // nano copies this object by reference into every request, so mutating it updates the bearer token.
  const headers: Record<string, string> = {};
  // parseUrl must be off when CouchDB sits under a path prefix (not in nano's typings).
  const server = nano({
    url: settings.url,
    headers,
    parseUrl: url.pathname === '/' || url.pathname === '',
  } as Parameters<typeof nano>[0]);
  const iam = settings.iamApiKey ? new IamTokenSource(settings.iamApiKey, iamTokenUrl) : undefined;
  // nano takes basic credentials from the URL itself; requests made without nano send them as a header.
  const basic: Record<string, string> = url.username
    ? { Authorization: `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` }
    : {};
  return {
    server,
    displayUrl,
    baseUrl: `${url.origin}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}`,
    get headers() {
      return { ...basic, ...headers };
    },
    async authorize() {
      if (iam) headers.Authorization = `Bearer ${await iam.bearer()}`;
    },
  };
}
