import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError, notFound } from '../errors.js';
import { idRange, isMissing, withRetry } from '../store/index.js';
import { TokenScope } from './scopes.js';

/** A token reads `dms_<id>_<secret>`: the id finds its document, the secret is checked against the stored hash. */
const TOKEN_PATTERN = /^dms_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
export const TOKEN_LIMITS = { maxDays: 366, defaultDays: 90, perUser: 50 } as const;

export const NewTokenRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scope: TokenScope.default('read'),
  expiresInDays: z.coerce.number().int().min(1).max(TOKEN_LIMITS.maxDays).default(TOKEN_LIMITS.defaultDays),
});

/** Stored in the tokens database as `token:<id>`; the secret itself is never stored, only its SHA-256. */
export const TokenDoc = z.object({
  _id: z.string().startsWith('token:'),
  _rev: z.string().optional(),
  kind: z.literal('token'),
  owner: z.string(),
  name: z.string(),
  scope: TokenScope,
  secretHash: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
});
export type TokenDoc = z.infer<typeof TokenDoc>;

export interface TokenSummary {
  id: string; owner: string; name: string; scope: TokenScope; createdAt: string; expiresAt: string;
  revokedAt?: string; lastUsedAt?: string; lastUsedFrom?: string; state: 'active' | 'expired' | 'revoked';
}

const db = (services: Services) => services.store.db<TokenDoc>('tokens');
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const lastUseKey = (services: Services) => `${services.config.queue.prefix}:token-last-use`;

function summarize(doc: TokenDoc, lastUse: string | null | undefined): TokenSummary {
  const [lastUsedAt, lastUsedFrom] = lastUse ? lastUse.split(' ', 2) : [];
  const state = doc.revokedAt ? 'revoked' : Date.parse(doc.expiresAt) <= Date.now() ? 'expired' : 'active';
  const { _id, _rev: _r, kind: _k, secretHash: _s, ...rest } = doc;
  return { id: _id.slice('token:'.length), ...rest, lastUsedAt, lastUsedFrom, state };
}

async function allTokens(services: Services): Promise<TokenDoc[]> {
  await services.store.client.authorize();
  const { start, end } = idRange('token:');
  const result = await withRetry(() => db(services).list({ startkey: start, endkey: end, include_docs: true, limit: 10_000 }));
  return result.rows.flatMap((row) => (row.doc ? [TokenDoc.parse(row.doc)] : []));
}

/** Tokens of one owner (or everyone's for `undefined`), newest first, with their last use. */
export async function listTokens(services: Services, owner: string | undefined): Promise<TokenSummary[]> {
  const docs = (await allTokens(services)).filter((d) => owner === undefined || d.owner === owner);
  const uses = docs.length === 0 ? [] : await services.redis.hmget(lastUseKey(services), ...docs.map((d) => d._id));
  return docs.map((d, i) => summarize(d, uses[i])).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** A new token: the only time its secret is ever shown. */
export async function createToken(services: Services, owner: string, input: unknown): Promise<TokenSummary & { token: string }> {
  const request = NewTokenRequest.parse(input);
  const active = (await listTokens(services, owner)).filter((t) => t.state === 'active');
  if (active.length >= TOKEN_LIMITS.perUser) {
    throw new AppError('TOO_MANY_TOKENS', 409, `${owner} has ${active.length} active tokens, the most allowed; revoke one first.`);
  }
  const id = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const now = new Date();
  const doc: TokenDoc = {
    _id: `token:${id}`, kind: 'token', owner, name: request.name, scope: request.scope, secretHash: hashOf(secret),
    createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + request.expiresInDays * 86_400_000).toISOString(),
  };
  await withRetry(() => db(services).insert(doc));
  return { ...summarize(doc, undefined), token: `dms_${id}_${secret}` };
}

async function readToken(services: Services, id: string): Promise<TokenDoc | undefined> {
  try {
    return TokenDoc.parse(await withRetry(() => db(services).get(`token:${id}`)));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Revokes a token of `owner` (an admin passes `undefined` to revoke anyone's). Revoking twice is harmless. */
export async function revokeToken(services: Services, id: string, actor: string, owner: string | undefined): Promise<TokenSummary> {
  const doc = await readToken(services, id);
  if (!doc || (owner !== undefined && doc.owner !== owner)) throw notFound(`Token ${id}`);
  const revoked: TokenDoc = doc.revokedAt ? doc : { ...doc, revokedAt: new Date().toISOString(), revokedBy: actor };
  if (revoked !== doc) await withRetry(() => db(services).insert(revoked));
  forget(id);
  return summarize(revoked, await services.redis.hget(lastUseKey(services), doc._id));
}

/**
 * A verified token is remembered in this process for 2 s (scripts poll); revoking forgets it here at once,
 * another web instance may accept it for at most those 2 s.
 */
const MEMO_MS = 2000;
const memo = new Map<string, { at: number; doc: TokenDoc }>();
const forget = (id: string) => memo.delete(id);

const invalid = () => new AppError('TOKEN_INVALID', 401, 'The API token is unknown, revoked or expired. Create a new one on the API tokens page.');

/** The token's document when `presented` is a live token; 401 otherwise (the same answer for every reason). */
export async function verifyToken(services: Services, presented: string, address: string): Promise<TokenDoc> {
  const match = TOKEN_PATTERN.exec(presented);
  if (!match) throw invalid();
  const [, id, secret] = match as unknown as [string, string, string];
  const hit = memo.get(id);
  const doc = hit && Date.now() - hit.at < MEMO_MS ? hit.doc : await readToken(services, id);
  const expected = Buffer.from(doc?.secretHash ?? hashOf(''));
  const actual = Buffer.from(hashOf(secret));
  const matches = expected.length === actual.length && timingSafeEqual(expected, actual);
  if (!doc || !matches || doc.revokedAt || Date.parse(doc.expiresAt) <= Date.now()) throw invalid();
  if (!hit || hit.doc !== doc) memo.set(id, { at: Date.now(), doc });
  await services.redis.hset(lastUseKey(services), doc._id, `${new Date().toISOString()} ${address}`);
  return doc;
}
