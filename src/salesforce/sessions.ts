import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Services } from '../services.js';
import { loadCredentials, open, seal, SealedBox, secretKey } from '../connections/index.js';
import { logger } from '../logger.js';
import { releaseLock, tryLock } from '../cache/index.js';
import { SessionPool, type SalesforceSession } from './connection-factory.js';
import type { SalesforceCredentials } from './credentials.js';
import type { Token, TokenStore } from './shared-login.js';

const pools = new WeakMap<Services, SessionPool>();

/**
 * A shared token is kept this long after its login: less than the shortest session timeout an org can set (15 min),
 * so one no process used for a while is not handed out; a token Salesforce refuses earlier is replaced on refusal.
 */
const TOKEN_TTL_SECONDS = 14 * 60;
/** A process that claimed the login and died frees the claim after this (the others log in themselves meanwhile). */
const LOGIN_CLAIM_MS = 15_000;

const StoredToken = z.object({ accessToken: z.string().min(1), instanceUrl: z.string().url() });

/**
 * The connection's token, sealed like other secrets (AES-256-GCM with SECRET_KEY) in Redis, under a key derived from
 * the credentials (an HMAC with the same key): a connection edited with new credentials, or another org on the same
 * Redis, never gets this token. Redis trouble never stops a login: the process then logs in on its own.
 */
function redisTokenStore(services: Services, credentials: SalesforceCredentials): TokenStore {
  const key = secretKey(services.config);
  const fingerprint = createHmac('sha256', key).update(JSON.stringify(credentials)).digest('hex').slice(0, 32);
  const tokenKey = `${services.config.queue.prefix}:dms-sf-token:${fingerprint}`;
  const claimKey = `${tokenKey}:login`;
  const holder = randomBytes(8).toString('hex');
  const log = logger('salesforce');
  const degrade = <T>(what: string, fallback: T) => (err: unknown): T => {
    log.warn({ err }, `shared Salesforce token: could not ${what}; this process logs in on its own`);
    return fallback;
  };
  return {
    async read() {
      const raw = await services.redis.get(tokenKey).catch(degrade('read it', null));
      if (!raw) return undefined;
      try {
        return StoredToken.parse(JSON.parse(open(key, SealedBox.parse(JSON.parse(raw)), tokenKey)));
      } catch {
        return undefined; // another shape or another key: logged in again and replaced
      }
    },
    async write(token: Token) {
      const box = seal(key, JSON.stringify(token), tokenKey);
      await services.redis.set(tokenKey, JSON.stringify(box), 'EX', TOKEN_TTL_SECONDS).catch(degrade('store it', null));
    },
    async claimLogin() {
      return tryLock(services.redis, claimKey, LOGIN_CLAIM_MS, holder).catch(degrade('claim the login', true));
    },
    async releaseLogin() {
      await releaseLock(services.redis, claimKey, holder).catch(degrade('release the login', undefined));
    },
  };
}

/**
 * One session per connection and process; credentials come from the connections room (Local org included), the
 * access token is shared by every process of the deployment (one login, not one per process).
 */
export function sessionFor(services: Services, connectionId: string): Promise<SalesforceSession> {
  let pool = pools.get(services);
  if (!pool) {
    pool = new SessionPool((id) => loadCredentials(services, id), (_id, credentials) => redisTokenStore(services, credentials));
    pools.set(services, pool);
  }
  return pool.get(connectionId);
}
