import type { MangoSelector } from 'nano';
import type { Services } from '../services.js';
import { withRetry, isConflict } from '../store/index.js';
import { AuditDoc, type AuditFilter, type AuditInput } from './model.js';
import { appendToChain } from './chain.js';

/**
 * CouchDB enforces append-only itself: this validate_doc_update refuses any change to an existing
 * entry and any deletion, whoever asks (design documents excepted, so the guard can be installed).
 */
const GUARD = {
  _id: '_design/append-only',
  validate_doc_update: `function (newDoc, oldDoc) {
    if (newDoc._id.indexOf('_design/') === 0) return;
    if (oldDoc || newDoc._deleted) throw({ forbidden: 'audit entries are append-only' });
  }`,
};

const guarded = new WeakMap<Services, Promise<void>>();
const db = (services: Services) => services.store.db<AuditDoc>('audit');

function ensureGuard(services: Services): Promise<void> {
  let ready = guarded.get(services);
  if (!ready) {
    ready = withRetry(() => db(services).insert(GUARD as unknown as AuditDoc))
      .then(() => undefined)
      .catch((error: unknown) => {
        if (!isConflict(error)) {
          guarded.delete(services);
          throw error;
        }
      });
    guarded.set(services, ready);
  }
  return ready;
}

/** Appends one audit entry to the hash chain (see chain.ts). */
export async function recordAudit(services: Services, input: AuditInput): Promise<AuditDoc> {
  await ensureGuard(services);
  return appendToChain(services, input);
}

/** Newest first, filtered; `next` is the `before` value of the following page. */
export async function listAudit(services: Services, filter: AuditFilter): Promise<{ entries: AuditDoc[]; next?: string }> {
  const at: Record<string, string> = { $gte: filter.from ?? '' };
  if (filter.to) at.$lte = filter.to.length === 10 ? `${filter.to}T23:59:59.999Z` : filter.to;
  if (filter.before) at.$lt = filter.before;
  const selector: MangoSelector = { at, kind: 'audit' };
  if (filter.actor) selector.actor = filter.actor;
  if (filter.action) selector.action = filter.action;
  if (filter.targetType) selector['target.type'] = filter.targetType;
  if (filter.targetId) selector['target.id'] = filter.targetId;
  await services.store.client.authorize();
  const result = await withRetry(() =>
    db(services).find({ selector, sort: [{ at: 'desc' }], use_index: 'by-at', limit: filter.limit }),
  );
  const entries = result.docs.map((d) => AuditDoc.parse(d));
  return { entries, next: entries.length === filter.limit ? entries.at(-1)?.at : undefined };
}
