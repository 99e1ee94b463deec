import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { Response } from 'express';
import type { Services } from '../services.js';
import { SESSION_COOKIE, readCookie, readSession, requiredRole, hasRole } from '../auth/index.js';
import { pickLocale } from '../i18n/index.js';
import { logger } from '../logger.js';
import { memoByText } from '../memo.js';

/**
 * What operators poll (a migration's status JSON, its live page) is asked for thousands of times a second
 * by a few sessions, and Express's own routing costs more than the answer. So those routes hand their
 * finished response (status, headers, body: exactly what Express sent) to this cache, and a front door in
 * front of Express replays it for a short while, once it has checked that the request's session is still
 * signed in and allowed the path. Everything else, and every miss, goes through Express.
 */
const FRESH_MS = 300;
/**
 * An expired entry is still replayed for this long while the first request after its expiry refreshes it
 * through Express: hundreds of waiting connections never all miss at once.
 */
const STALE_MS = 2000;
/**
 * An entry too old to replay still marks its key as cacheable for this long: after a quiet spell, the first
 * request renews it and the others for that key wait for it instead of all going through Express at once.
 */
const KEEP_MS = 60_000;
/** A request waiting for another one's renewal goes through Express itself after this long (a stuck renewal). */
const RENEWAL_WAIT_MS = 5000;
/** Pages are tens of kilobytes: the cache keeps at most this much and drops the oldest first. */
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * `shared`: the same for every signed-in user allowed the path (status JSON). `session`: holds the
 * session's own CSRF token and role-dependent controls (the live page), so only that session gets it back.
 */
export type CacheScope = 'shared' | 'session';

/**
 * What a response was made from, when that can change without a request through this process (a run moving on in a
 * worker): a Redis key and the value it had. A copy is sent again only while the key still holds that value.
 */
export interface ResponseVersion { key: string; value: string }

/** One response as Express sent it, and its gzip form (made once per entry, sent to clients that accept it). */
interface Entry {
  at: number; status: number; headers: OutgoingHttpHeaders; body: Buffer; etag?: string; gzip: { headers: OutgoingHttpHeaders; body: Buffer };
  version?: ResponseVersion;
}

function entryOf(status: number, headers: OutgoingHttpHeaders, text: string, version?: ResponseVersion): Entry {
  const body = Buffer.from(text);
  const gzip = gzipSync(body, { level: 6 });
  return {
    at: Date.now(), status, headers, body, etag: headers.etag as string | undefined, version,
    gzip: { headers: { ...headers, 'content-encoding': 'gzip', 'content-length': gzip.length }, body: gzip },
  };
}

/** Whether Accept-Encoding lists gzip (or *) without q=0. */
const acceptsGzip = memoByText((header) =>
  header.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  }),
);

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  /** Keys being renewed through Express, settled when that response closes. */
  private readonly refreshing = new Map<string, Promise<void>>();
  private bytes = 0;

  static key(scope: CacheScope, url: string, sessionId: string, locale: string): string {
    return scope === 'shared' ? `shared ${url}` : `session ${sessionId} ${locale} ${url}`;
  }

  /**
   * An entry to replay; `refresh` when this request should go through Express to renew an expired one; `renewed`
   * (settles when the renewal is done: look up again) when another request is renewing one too old to replay;
   * undefined when the key is not cached.
   */
  lookup(key: string, now: number): { entry?: Entry; refresh?: true; renewed?: Promise<void> } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const age = now - entry.at;
    if (age < FRESH_MS) return { entry };
    const renewing = this.refreshing.get(key);
    if (!renewing) return { refresh: true };
    return age < STALE_MS ? { entry } : { renewed: renewing };
  }

  /**
   * Until `res` closes, the other requests for `key` get the expired entry, or wait when it is too old. An entry
   * that the response did not renew (the run was deleted, an error) is dropped: its key is not cacheable now.
   */
  refreshBy(key: string, res: ServerResponse): void {
    const expired = this.entries.get(key);
    this.refreshing.set(key, new Promise((resolve) => res.once('close', () => {
      this.refreshing.delete(key);
      if (this.entries.get(key) === expired) this.remove(key);
      resolve();
    })));
  }

  /** Entries stay in insertion order, which is age order: expired and excess ones go from the front. */
  put(key: string, entry: Entry): void {
    this.remove(key);
    this.entries.set(key, entry);
    this.bytes += entry.body.length + entry.gzip.body.length;
    for (const [oldest, old] of this.entries) {
      if (entry.at - old.at < KEEP_MS && this.bytes <= MAX_BYTES) break;
      this.remove(oldest);
    }
  }

  /** After any state change in this process (a control, an upload): the next reads see it at once. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** The renewal of `key` through Express in flight, if any (settles when its response closes). */
  renewal(key: string): Promise<void> | undefined {
    return this.refreshing.get(key);
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.bytes -= old.body.length + old.gzip.body.length;
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Where a request's cache key comes from: only signed-in browser sessions are answered from the cache. */
function sessionOf(req: IncomingMessage): string | undefined {
  return req.method === 'GET' ? readCookie(req, SESSION_COOKIE) : undefined;
}

/**
 * Sends `body` (a rendered page or serialized JSON) through Express as usual, and, once it has gone out
 * as a 200 without a cookie being set, keeps it for the front door (with `version`: only while it holds).
 */
export function sendCacheable(res: Response, body: string, scope: CacheScope, version?: ResponseVersion): void {
  const cache = res.app.locals.responseCache as ResponseCache | undefined;
  const sessionId = sessionOf(res.req);
  if (cache && sessionId) {
    const key = ResponseCache.key(scope, res.req.originalUrl, sessionId, res.locals.locale as string);
    res.once('finish', () => {
      const headers = res.getHeaders();
      if (res.statusCode !== 200 || headers['set-cookie']) return;
      cache.put(key, entryOf(res.statusCode, headers, body, version));
    });
    // Replays may be gzipped: shared caches on the way must keep the two forms apart.
    res.vary('Accept-Encoding');
  }
  // A string: Express picks the content type (HTML unless the route set one) and the ETag.
  res.send(body);
}

/**
 * The front door: answers a GET from the cache when its session is valid and allowed the path (the same
 * policy Express applies), and hands everything else to Express. A state change through this process
 * empties the cache first.
 */
export function withResponseCache(services: Services, app: RequestListener & { locals: Record<string, unknown> }): RequestListener {
  const cache = new ResponseCache();
  app.locals.responseCache = cache;
  const log = logger('http');
  /** The key's entry once `renewing` has settled (a stuck renewal is waited for RENEWAL_WAIT_MS at most). */
  const renewedEntry = async (key: string, renewing: Promise<void>): Promise<Entry | undefined> => {
    await Promise.race([renewing, sleep(RENEWAL_WAIT_MS, undefined, { ref: false })]);
    return cache.lookup(key, Date.now())?.entry;
  };
  const replay = async (req: IncomingMessage, res: ServerResponse, started: number): Promise<boolean> => {
    const sessionId = sessionOf(req);
    if (!sessionId || cache.size === 0) return false;
    const url = req.url ?? '/';
    // The shared entry for the URL, else this session's own (its key, with the locale, made only when needed).
    const shared = ResponseCache.key('shared', url, sessionId, '');
    let own: string | undefined;
    const find = (now: number) => {
      const found = cache.lookup(shared, now);
      if (found) return { key: shared, found };
      own ??= ResponseCache.key('session', url, sessionId, pickLocale(req.headers.cookie, req.headers['accept-language']));
      return { key: own, found: cache.lookup(own, now) };
    };
    if (!find(started).found) return false;
    const session = await readSession(services, sessionId);
    const needed = requiredRole('GET', url.split('?', 1)[0] ?? url);
    if (!session || (needed !== 'public' && !hasRole(session.role, needed))) return false;
    // Looked up again after the await: deciding who renews must happen in one turn of the event loop.
    const current = find(Date.now());
    const key = current.key;
    const found = current.found;
    if (found?.refresh) cache.refreshBy(key, res);
    // Renewed: replay it. Not renewed: through Express, without renewing in turn (waiters never queue up behind each other).
    let entry = found?.renewed ? await renewedEntry(key, found.renewed) : found?.entry;
    if (!entry) return false;
    // A copy of what has changed since (a run's status moved on in a worker) is not sent: a page reloaded just after it
    // showed the run completed is never the one rendered while it was queued. The first request to see that renews
    // it through Express; the others wait for that renewal, as for an entry too old to replay.
    if (entry.version && ((await services.redis.get(entry.version.key)) ?? '') !== entry.version.value) {
      const renewing = cache.renewal(key);
      if (!renewing) {
        cache.refreshBy(key, res);
        return false;
      }
      const renewed = await renewedEntry(key, renewing);
      if (!renewed || renewed === entry) return false;
      entry = renewed;
    }
    if (entry.etag !== undefined && req.headers['if-none-match'] === entry.etag) {
      const { 'content-type': _type, 'content-length': _length, ...headers } = entry.headers;
      res.writeHead(304, headers).end();
    } else {
      const form = acceptsGzip(req.headers['accept-encoding'] ?? '') ? entry.gzip : entry;
      res.writeHead(entry.status, form.headers).end(form.body);
    }
    if (log.isLevelEnabled('info')) {
      log.info({ req: { method: req.method, url }, res: { statusCode: res.statusCode }, responseTime: Date.now() - started, cached: true }, 'request completed');
    }
    return true;
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') cache.clear();
    replay(req, res, Date.now()).then(
      (answered) => { if (!answered) app(req, res); },
      () => app(req, res), // a Redis hiccup reading the session: Express answers, with its own error handling
    );
  };
}
