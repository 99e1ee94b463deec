import type { Services } from '../services.js';
import type { DeadLetterDoc, DeadLetterPage, TransferDoc } from './model.js';
import { getTransfer, listDeadLetters } from './store.js';

const idOf = (doc: TransferDoc): string => doc._id.replace(/^transfer:/, '');

export const transferUrls = (id: string) => ({
  self: `/api/v1/transfers/${encodeURIComponent(id)}`,
  page: `/transfers/${encodeURIComponent(id)}`,
  deadLetters: `/api/v1/transfers/${encodeURIComponent(id)}/dead-letters`,
});

/** A transfer as the API and pages show it: never its sealed endpoints. */
export function presentTransfer(doc: TransferDoc) {
  const { _id, _rev: _r, kind: _k, endpoints: _sealed, ...fields } = doc;
  const id = idOf(doc);
  return { id, ...fields, urls: transferUrls(id) };
}
export type TransferView = ReturnType<typeof presentTransfer>;

export function presentDeadLetter(doc: DeadLetterDoc) {
  const { _id: _i, _rev: _r, kind: _k, ...fields } = doc;
  return fields;
}

/** One page of a transfer's dead letters, oldest first; `total` is the transfer's count of them. */
export async function deadLetterPage(services: Services, id: string, { page, pageSize }: DeadLetterPage) {
  const doc = await getTransfer(services.store, id);
  const letters = await listDeadLetters(services.store, id, pageSize + 1, (page - 1) * pageSize);
  const deadLetters = letters.slice(0, pageSize).map(presentDeadLetter);
  return { deadLetters, page, pageSize, total: doc.counts.deadLetters, hasNext: letters.length > pageSize };
}
