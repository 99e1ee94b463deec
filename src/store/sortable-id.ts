import { randomBytes } from 'node:crypto';

/**
 * `<prefix>-<ms since epoch, base 36>-<random hex>`: sortable by creation time (CouchDB id order lists newest last),
 * unguessable, and safe in URLs, CouchDB ids and BullMQ job ids (no colon).
 */
export const sortableId = (prefix: string, randomByteCount: number): string =>
  `${prefix}-${Date.now().toString(36)}-${randomBytes(randomByteCount).toString('hex')}`;
