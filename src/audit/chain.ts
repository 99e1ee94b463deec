import { createHash } from 'node:crypto';
import type { Services } from '../services.js';
import { withLock } from '../cache/index.js';
import { idRange, isConflict, withRetry } from '../store/index.js';
import { AuditDoc, AuditEntry, type AuditInput } from './model.js';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
export const CHAIN_ID_PREFIX = 'audit:seq:';
/** Ids sort in chain order (CouchDB's _all_docs walks them so); a second writer of the same seq gets a conflict. */
export const chainId = (seq: number): string => `${CHAIN_ID_PREFIX}${String(seq).padStart(12, '0')}`;

export interface ChainHead { seq: number; hash: string }

/** JSON with keys sorted at every level, no spaces, undefined left out: the same content always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 over everything stored in an entry (a field added by hand counts too) but CouchDB's `_rev` and the hash. */
export function entryHash(stored: Record<string, unknown>): string {
  const { _rev: _revision, hash: _hash, ...content } = stored;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

const db = (services: Services) => services.store.db<AuditDoc>('audit');
const headKey = (services: Services) => `${services.config.queue.prefix}:audit:head`;
const lockKey = (services: Services) => `${services.config.queue.prefix}:audit:lock`;
/** Generous: an append is one CouchDB write; the TTL only frees the chain when its holder died. */
const LOCK = { ttlMs: 30_000, waitMs: 60_000 };

/** The last entry in the store (a fresh Redis, or a head that lagged behind a writer that died before updating it). */
async function headFromStore(services: Services): Promise<ChainHead> {
  const chain = idRange(CHAIN_ID_PREFIX);
  const result = await withRetry(() =>
    db(services).list({ startkey: chain.end, endkey: chain.start, descending: true, limit: 1, include_docs: true }),
  );
  const last = result.rows[0]?.doc;
  return last?.seq && last.hash ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Where the chain ends as the writers last left it (Redis), or undefined when Redis does not know. */
export async function readChainHead(services: Services): Promise<ChainHead | undefined> {
  const raw = await services.redis.get(headKey(services));
  return raw ? (JSON.parse(raw) as ChainHead) : undefined;
}

function link(input: AuditInput, head: ChainHead): AuditDoc {
  const seq = head.seq + 1;
  const doc = AuditDoc.parse({ ...AuditEntry.parse(input), _id: chainId(seq), kind: 'audit', at: new Date().toISOString(), seq, prevHash: head.hash });
  return { ...doc, hash: entryHash(doc) };
}

/** Appends entries in order under the lock: one head read and one head write for the lot. */
async function appendInOrder(services: Services, inputs: AuditInput[]): Promise<AuditDoc[]> {
  let head = (await readChainHead(services)) ?? (await headFromStore(services));
  const docs: AuditDoc[] = [];
  for (const input of inputs) {
    let doc = link(input, head);
    try {
      await withRetry(() => db(services).insert(doc));
    } catch (error) {
      if (!isConflict(error)) throw error;
      doc = link(input, await headFromStore(services));
      await withRetry(() => db(services).insert(doc));
    }
    docs.push(doc);
    head = { seq: doc.seq as number, hash: doc.hash as string };
  }
  await services.redis.set(headKey(services), JSON.stringify(head));
  return docs;
}

interface Pending { input: AuditInput; resolve(doc: AuditDoc): void; reject(error: unknown): void }
interface Writer { pending: Pending[]; draining: boolean }
const writers = new WeakMap<Services, Writer>();
/** Entries appended per lock hold at most (a burst of requests waits for one lock, not one each). */
const BATCH = 20;

async function drain(services: Services, writer: Writer): Promise<void> {
  writer.draining = true;
  try {
    while (writer.pending.length > 0) {
      const batch = writer.pending.splice(0, BATCH);
      try {
        const docs = await withLock(services.redis, lockKey(services), () => appendInOrder(services, batch.map((p) => p.input)), LOCK);
        batch.forEach((p, i) => p.resolve(docs[i] as AuditDoc));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    }
  } finally {
    writer.draining = false;
  }
}

/**
 * Appends one entry to the chain. Web and worker processes all write, so the head (seq and hash of the last entry)
 * is read and moved under one Redis lock: the chain never forks. Within a process, entries queue and are appended
 * in turn by one writer, several per lock hold. Should the Redis head lag (a holder died after writing), the entry's
 * id (its seq) already exists, CouchDB answers a conflict, and the head is read again from the store.
 */
export function appendToChain(services: Services, input: AuditInput): Promise<AuditDoc> {
  let writer = writers.get(services);
  if (!writer) {
    writer = { pending: [], draining: false };
    writers.set(services, writer);
  }
  const queued = writer;
  return new Promise((resolve, reject) => {
    queued.pending.push({ input, resolve, reject });
    if (!queued.draining) void drain(services, queued);
  });
}
