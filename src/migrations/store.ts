import { createHash } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import type { Services } from '../services.js';
import { getAttachment, isMissing, putAttachment, withRetry } from '../store/index.js';
import { notFound } from '../errors.js';
import { BatchDoc, MigrationDoc, batchId, type MigrationState } from './model.js';
import { decodeOutcomes, encodeOutcomes, OUTCOMES_ATTACHMENT, type Outcomes } from './outcomes.js';
import type { Reason } from './reasons.js';
import { COMPRESSED_CONTENT_TYPE } from '../blobs/index.js';

/** Where the live view reads from (status must be fast): the migration document mirrored in Redis. */
export const docCacheKey = (id: string) => `dms:migration:${id}:doc`;
export const stateKey = (id: string) => `dms:migration:${id}:state`;
/** The cached status JSON (without and with error groups): deleted on every save and progress event. */
export const statusCacheKeys = (id: string): [string, string] => [`dms:migration:${id}:status`, `dms:migration:${id}:status:errors`];
/** Counts the status's invalidations: a status computed before one of them is not cached after it (status-cache.ts). */
export const statusGenerationKey = (id: string): string => `dms:migration:${id}:status:generation`;

/** Drops the cached status JSON and moves its generation on, in the caller's MULTI. */
export const dropCachedStatus = (multi: ChainableCommander, id: string): ChainableCommander =>
  multi.del(...statusCacheKeys(id)).incr(statusGenerationKey(id)).expire(statusGenerationKey(id), 30 * 24 * 3600);

const db = (services: Services) => services.store.db('migrations');

export async function getMigration(services: Services, id: string): Promise<MigrationDoc> {
  await services.store.client.authorize();
  try {
    return MigrationDoc.parse(await withRetry(() => db(services).get(id)));
  } catch (error) {
    if (isMissing(error)) throw notFound(`Migration ${id}`);
    throw error;
  }
}

/** Saves and mirrors the document into Redis (status JSON and the state batches check before every call). */
export async function saveMigration(services: Services, doc: MigrationDoc): Promise<MigrationDoc> {
  doc.updatedAt = new Date().toISOString();
  await services.store.client.authorize();
  const result = await withRetry(() => db(services).insert(doc as never));
  const saved = { ...doc, _rev: result.rev };
  await dropCachedStatus(services.redis.multi()
    .set(docCacheKey(doc._id), JSON.stringify(saved), 'EX', 7 * 24 * 3600)
    .set(stateKey(doc._id), doc.state, 'EX', 30 * 24 * 3600), doc._id)
    .exec();
  return saved;
}

/** Re-reads the document and applies `change` until the write wins (controls race with workers). */
export async function updateMigration(services: Services, id: string, change: (doc: MigrationDoc) => MigrationDoc | undefined): Promise<MigrationDoc> {
  for (let attempt = 0; ; attempt++) {
    const doc = await getMigration(services, id);
    const next = change(doc);
    if (!next) return doc;
    try {
      return await saveMigration(services, next);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 409 || attempt > 20) throw error;
    }
  }
}

export function withState(doc: MigrationDoc, state: MigrationState, by: string, reason?: Reason): MigrationDoc {
  const at = new Date().toISOString();
  return { ...doc, state, history: [...doc.history, { state, at, by, ...(reason ? { reason: reason.text, message: reason.message } : {}) }] };
}

/** Paused for a reason, kept in the history and as the run's pause reason. */
export const withPause = (doc: MigrationDoc, by: string, why: Reason): MigrationDoc =>
  ({ ...withState(doc, 'paused', by, why), pauseReason: why.text, pauseMessage: why.message });

/** The current state, from Redis (set on every save), falling back to CouchDB. */
export async function currentState(services: Services, id: string): Promise<MigrationState> {
  const cached = await services.redis.get(stateKey(id));
  if (cached) return cached as MigrationState;
  return (await getMigration(services, id)).state;
}

export async function getBatch(services: Services, migrationId: string, n: number): Promise<BatchDoc> {
  await services.store.client.authorize();
  try {
    return BatchDoc.parse(await withRetry(() => db(services).get(batchId(migrationId, n))));
  } catch (error) {
    if (isMissing(error)) throw notFound(`Batch ${n} of migration ${migrationId}`);
    throw error;
  }
}

/** The stub a saved document keeps for an attachment: the server finds it by its digest (md5, as CouchDB and PouchDB compute it). */
const stubOf = (data: Buffer) =>
  ({ stub: true, content_type: COMPRESSED_CONTENT_TYPE, length: data.length, digest: `md5-${createHash('md5').update(data).digest('base64')}` });

/** Saves the batch; `attachments` are replaced, the others are kept (as stubs). */
export async function saveBatch(services: Services, doc: BatchDoc, attachments: Record<string, Buffer> = {}): Promise<BatchDoc> {
  doc.updatedAt = new Date().toISOString();
  const _attachments: Record<string, unknown> = { ...(doc._attachments ?? {}) };
  const stubs: Record<string, unknown> = { ...(doc._attachments ?? {}) };
  for (const [name, data] of Object.entries(attachments)) {
    _attachments[name] = { content_type: COMPRESSED_CONTENT_TYPE, data: data.toString('base64') };
    stubs[name] = stubOf(data);
  }
  const body = { ...doc, _attachments };
  await services.store.client.authorize();
  const result = await withRetry(() => db(services).insert(body as never));
  return { ...doc, _rev: result.rev, _attachments: stubs };
}

/**
 * Adds one attachment to the saved batch with a raw body (no base64 in a JSON document for either side to build and
 * parse): for a large attachment no field of the document changes with. Conflicts as a save does when the batch
 * was saved by another worker meanwhile.
 */
export async function attachToBatch(services: Services, doc: BatchDoc, name: string, data: Buffer): Promise<BatchDoc> {
  const rev = await withRetry(() => putAttachment(services.store, 'migrations', doc._id, name, data, COMPRESSED_CONTENT_TYPE, doc._rev));
  return { ...doc, _rev: rev, _attachments: { ...(doc._attachments ?? {}), [name]: stubOf(data) } };
}

export async function readAttachment(services: Services, docId: string, name: string): Promise<Buffer | undefined> {
  try {
    return await withRetry(() => getAttachment(services.store, 'migrations', docId, name));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function readOutcomes(services: Services, batch: BatchDoc): Promise<Outcomes> {
  if (!batch._attachments?.[OUTCOMES_ATTACHMENT]) return new Map();
  const data = await readAttachment(services, batch._id, OUTCOMES_ATTACHMENT);
  return data ? decodeOutcomes(data) : new Map();
}

export const outcomesAttachment = (outcomes: Outcomes) => ({ [OUTCOMES_ATTACHMENT]: encodeOutcomes(outcomes) });

/** Every batch document of a migration, in batch order. */
export async function listBatches(services: Services, migrationId: string, batchCount: number): Promise<BatchDoc[]> {
  await services.store.client.authorize();
  const page = await withRetry(() => db(services).find({
    selector: { migrationId: { $eq: migrationId }, batch: { $gte: 0 } },
    use_index: 'by-migration-batch',
    limit: Math.max(batchCount, 1) + 10,
  }));
  return page.docs.map((d) => BatchDoc.parse(d)).filter((d) => d.kind === 'batch').sort((a, b) => a.batch - b.batch);
}
