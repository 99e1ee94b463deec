import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Services } from '../services.js';
import { Role, type AuthUser } from './roles.js';

/** Idle sessions end after 12 hours; every request slides the expiry. */
export const SESSION_TTL_SECONDS = 12 * 3600;

export const SessionData = z.object({ username: z.string(), role: Role, csrf: z.string(), createdAt: z.string() });
export type SessionData = z.infer<typeof SessionData>;

// Redis holds a hash of the session id, so a copy of Redis does not hand out usable cookies.
const digest = (sessionId: string) => createHash('sha256').update(sessionId).digest('base64url');
const sessionKey = (services: Services, sessionId: string) => `${services.config.queue.prefix}:session:${digest(sessionId)}`;
const userSessionsKey = (services: Services, username: string) => `${services.config.queue.prefix}:user-sessions:${username}`;

export const newToken = (): string => randomBytes(32).toString('base64url');

export async function createSession(services: Services, user: AuthUser): Promise<{ id: string; data: SessionData }> {
  const id = newToken();
  const data: SessionData = { username: user.username, role: user.role, csrf: newToken(), createdAt: new Date().toISOString() };
  await services.redis
    .multi()
    .set(sessionKey(services, id), JSON.stringify(data), 'EX', SESSION_TTL_SECONDS)
    .sadd(userSessionsKey(services, user.username), digest(id))
    .expire(userSessionsKey(services, user.username), SESSION_TTL_SECONDS)
    .exec();
  return { id, data };
}

/**
 * Pages poll (live migration status): a session read is remembered in this process for 2 s, so a
 * burst of requests costs one Redis round trip. Sign-out and role changes forget it here at once;
 * another web instance may accept the old cookie for at most those 2 s.
 */
const MEMO_MS = 2000;
const MEMO_MAX = 10_000;
/** By the cookie's session id (a hit costs no hashing); each entry knows its Redis key to be forgotten by it. */
const memo = new Map<string, { at: number; key: string; data: SessionData }>();

/** Reads a session and slides its expiry in one round trip (GETEX). */
export async function readSession(services: Services, sessionId: string): Promise<SessionData | undefined> {
  const now = Date.now();
  const hit = memo.get(sessionId);
  if (hit && now - hit.at < MEMO_MS) return hit.data;
  const key = sessionKey(services, sessionId);
  const raw = await services.redis.getex(key, 'EX', SESSION_TTL_SECONDS);
  const parsed = raw ? SessionData.safeParse(JSON.parse(raw)) : undefined;
  if (!parsed?.success) {
    memo.delete(sessionId);
    return undefined;
  }
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value as string);
  memo.set(sessionId, { at: now, key, data: parsed.data });
  return parsed.data;
}

export async function destroySession(services: Services, sessionId: string): Promise<void> {
  memo.delete(sessionId);
  await services.redis.del(sessionKey(services, sessionId));
}

/** Ends every session of a user: after a role change, a new password or disabling the account. */
export async function destroyUserSessions(services: Services, username: string): Promise<void> {
  const key = userSessionsKey(services, username);
  const digests = await services.redis.smembers(key);
  const prefix = `${services.config.queue.prefix}:session:`;
  const keys = new Set(digests.map((d) => `${prefix}${d}`));
  for (const [sessionId, entry] of memo) if (keys.has(entry.key)) memo.delete(sessionId);
  await services.redis.del(key, ...digests.map((d) => `${prefix}${d}`));
}
