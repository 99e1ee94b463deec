import type { DeadLetterDoc, TransferDoc } from './model.js';

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
