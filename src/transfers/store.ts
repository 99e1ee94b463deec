import type { Store } from '../store/index.js';
import { isMissing, withRetry, writeOnConflict } from '../store/index.js';
import { notFound } from '../errors.js';
import { DeadLetterDoc, TransferDoc } from './model.js';

const db = (store: Store) => store.db<TransferDoc | DeadLetterDoc>('transfers');

export const transferDocId = (id: string): string => `transfer:${id}`;
const deadLetterId = (transferId: string, key: string): string => `dead:${transferId}:${key}`;

export async function findTransfer(store: Store, id: string): Promise<TransferDoc | undefined> {
  try {
    return TransferDoc.parse(await withRetry(() => db(store).get(transferDocId(id))));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function getTransfer(store: Store, id: string): Promise<TransferDoc> {
  const doc = await findTransfer(store, id);
  if (!doc) throw notFound(`Transfer ${id}`);
  return doc;
}

export async function insertTransfer(store: Store, doc: TransferDoc): Promise<TransferDoc> {
  await store.client.authorize();
  const result = await withRetry(() => db(store).insert(TransferDoc.parse(doc)));
  return { ...doc, _rev: result.rev };
}

/** Reads, changes and writes a transfer, again on a conflict; `change` answering undefined leaves it as it is. */
export async function updateTransfer(
  store: Store, id: string, change: (doc: TransferDoc) => TransferDoc | undefined,
): Promise<TransferDoc | undefined> {
  return writeOnConflict(async () => {
    const current = await getTransfer(store, id);
    const next = change(current);
    return next && { ...next, _id: current._id, _rev: current._rev, updatedAt: new Date().toISOString() };
  }, (doc) => db(store).insert(doc));
}

/** Newest first. */
export async function listTransfers(store: Store, limit = 100): Promise<TransferDoc[]> {
  await store.client.authorize();
  const result = await withRetry(() => db(store).find({
    selector: { kind: { $eq: 'transfer' }, createdAt: { $gt: '' } },
    sort: [{ kind: 'desc' }, { createdAt: 'desc' }], use_index: 'by-kind-created', limit,
  }));
  return result.docs.map((d) => TransferDoc.parse(d));
}

/** Stores refused records; one already there (refused again after a retry) counts one more attempt. */
export async function putDeadLetters(store: Store, letters: Omit<DeadLetterDoc, '_id' | 'kind' | 'attempts'>[]): Promise<void> {
  if (letters.length === 0) return;
  const ids = letters.map((l) => deadLetterId(l.transferId, l.key));
  const existing = await withRetry(() => db(store).fetch({ keys: ids }));
  const docs = letters.map((letter, i): DeadLetterDoc => {
    const row = existing.rows[i] as { doc?: DeadLetterDoc | null };
    const before = row.doc ?? undefined;
    return { ...letter, _id: ids[i], kind: 'dead-letter', attempts: (before?.attempts ?? 0) + 1, ...(before?._rev ? { _rev: before._rev } : {}) };
  });
  await withRetry(() => db(store).bulk({ docs }));
}

/** A transfer's dead letters, oldest first; `skip` pages through them (a page of the transfer's page). */
export async function listDeadLetters(store: Store, transferId: string, limit = 1000, skip = 0): Promise<DeadLetterDoc[]> {
  await store.client.authorize();
  const result = await withRetry(() => db(store).find({
    selector: { transferId: { $eq: transferId }, at: { $gt: '' } },
    sort: [{ transferId: 'asc' }, { at: 'asc' }], use_index: 'by-transfer-at', limit, ...(skip > 0 ? { skip } : {}),
  }));
  return result.docs.map((d) => DeadLetterDoc.parse(d));
}

/** The dead letters of a transfer with these source keys (those still there). */
export async function deadLettersByKey(store: Store, transferId: string, keys: string[]): Promise<DeadLetterDoc[]> {
  if (keys.length === 0) return [];
  const result = await withRetry(() => db(store).fetch({ keys: keys.map((k) => deadLetterId(transferId, k)) }));
  return result.rows.flatMap((row) => {
    const doc = (row as { doc?: unknown }).doc;
    return doc ? [DeadLetterDoc.parse(doc)] : [];
  });
}

export async function deleteDeadLetters(store: Store, letters: DeadLetterDoc[]): Promise<void> {
  if (letters.length === 0) return;
  const docs = letters.map((l) => ({ _id: l._id, _rev: l._rev, _deleted: true }));
  await withRetry(() => db(store).bulk({ docs }));
}
