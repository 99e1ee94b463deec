import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { open, seal, SealedBox } from './secret-box.js';
import { secretKey } from './secret-key.js';
import { createConnection } from './store.js';
import type { ConnectionSummary } from './model.js';

/** The browser has ten minutes to come back from Salesforce's consent page. */
const STATE_TTL_SECONDS = 600;

const PendingOAuth = z.object({
  actor: z.string(),
  name: z.string(),
  loginUrl: z.string(),
  clientId: z.string(),
  production: z.boolean(),
  redirectUri: z.string(),
  /** The PKCE verifier and the optional client secret, sealed even in Redis. */
  sealed: SealedBox,
});
const PendingSecrets = z.object({ verifier: z.string(), clientSecret: z.string().optional() });

const TokenAnswer = z.object({ access_token: z.string(), refresh_token: z.string().optional(), instance_url: z.url() });

const stateKey = (services: Services, state: string) => `${services.config.queue.prefix}:oauth-state:${state}`;

export interface OAuthStart {
  actor: string;
  name: string;
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
  production: boolean;
  redirectUri: string;
}

/** Step 1 of the web-server flow with PKCE (S256): remember the verifier, send the browser to Salesforce. */
export async function startOAuth(services: Services, input: OAuthStart): Promise<string> {
  const state = randomBytes(24).toString('base64url');
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const { clientSecret, ...rest } = input;
  const pending = { ...rest, sealed: seal(secretKey(services.config), JSON.stringify({ verifier, clientSecret }), state) };
  await services.redis.set(stateKey(services, state), JSON.stringify(PendingOAuth.parse(pending)), 'EX', STATE_TTL_SECONDS);
  const url = new URL('/services/oauth2/authorize', input.loginUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'api refresh_token',
    state,
  }).toString();
  return url.toString();
}

/** Step 2: the callback. Exchanges the code (with the verifier) and stores the refresh token, sealed. */
export async function finishOAuth(services: Services, input: { state: string; code: string; actor: string }): Promise<ConnectionSummary> {
  const raw = await services.redis.getdel(stateKey(services, input.state));
  const expired = new AppError('OAUTH_STATE_UNKNOWN', 400, 'This Salesforce sign-in is unknown or older than ten minutes. Start "Add connection" again.');
  if (!raw) throw expired;
  const pending = PendingOAuth.parse(JSON.parse(raw));
  if (pending.actor !== input.actor) throw expired;
  const secrets = PendingSecrets.parse(JSON.parse(open(secretKey(services.config), pending.sealed, input.state)));
  const response = await fetch(new URL('/services/oauth2/token', pending.loginUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: pending.redirectUri,
      client_id: pending.clientId,
      code_verifier: secrets.verifier,
      ...(secrets.clientSecret ? { client_secret: secrets.clientSecret } : {}),
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: string; error_description?: string };
  const token = TokenAnswer.safeParse(body);
  if (!response.ok || !token.success) {
    throw new AppError('OAUTH_EXCHANGE_FAILED', 502, `Salesforce refused the sign-in: ${body.error_description ?? body.error ?? `HTTP ${response.status}`}`);
  }
  if (!token.data.refresh_token) {
    throw new AppError('OAUTH_NO_REFRESH_TOKEN', 502, 'Salesforce gave no refresh token: add the "refresh_token, offline_access" scope to the connected app and try again.');
  }
  return createConnection(
    services,
    {
      name: pending.name,
      method: 'oauth',
      loginUrl: pending.loginUrl,
      clientId: pending.clientId,
      production: pending.production,
      instanceUrl: token.data.instance_url,
      secrets: { refreshToken: token.data.refresh_token, clientSecret: secrets.clientSecret },
    },
    input.actor,
  );
}
