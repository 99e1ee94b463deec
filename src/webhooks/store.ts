import { randomBytes } from 'node:crypto';
import type { Services } from '../services.js';
import { notFound } from '../errors.js';
import { idRange, isMissing, withRetry } from '../store/index.js';
import { seal, open } from '../connections/secret-box.js';
import { secretKey } from '../connections/secret-key.js';
import { DeliveryDoc, WebhookDoc, WebhookRequest, webhookIdOf } from './model.js';

/** Webhooks and their delivery log share the schedules database (automation), by id prefix. */
const db = (services: Services) => services.store.db<WebhookDoc | DeliveryDoc>('schedules');

export type WebhookView = Omit<WebhookDoc, '_id' | '_rev' | 'kind' | 'secret'> & { id: string };
export const presentWebhook = (doc: WebhookDoc): WebhookView => {
  const { _id, _rev: _r, kind: _k, secret: _s, ...rest } = doc;
  return { id: webhookIdOf(doc), ...rest };
};

interface RangeOptions { descending?: boolean; limit?: number }

async function range<T>(services: Services, prefix: string, parse: (doc: unknown) => T, options: RangeOptions = {}): Promise<T[]> {
  await services.store.client.authorize();
  const { start, end } = idRange(prefix);
  const [startkey, endkey] = options.descending ? [end, start] : [start, end];
  const order = options.descending ? { descending: true } : {};
  const result = await withRetry(() => db(services).list({ startkey, endkey, include_docs: true, ...order, limit: options.limit ?? 10_000 }));
  return result.rows.flatMap((row) => (row.doc ? [parse(row.doc)] : []));
}

export const listWebhookDocs = (services: Services) => range(services, 'webhook:', (d) => WebhookDoc.parse(d));

/** The newest deliveries of a webhook first (ids sort by time). */
export const listDeliveries = (services: Services, webhookId: string, limit = 20) =>
  range(services, `delivery:${webhookId}:`, (d) => DeliveryDoc.parse(d), { descending: true, limit });

export async function getWebhook(services: Services, id: string): Promise<WebhookDoc> {
  await services.store.client.authorize();
  try {
    return WebhookDoc.parse(await withRetry(() => db(services).get(`webhook:${id}`)));
  } catch (error) {
    if (isMissing(error)) throw notFound(`Webhook ${id}`);
    throw error;
  }
}

/** A new webhook; its HMAC key is answered this once (made here when the request brings none). */
export async function createWebhook(services: Services, input: unknown, actor: string): Promise<WebhookView & { secret: string }> {
  const request = WebhookRequest.parse(input);
  const id = `webhook:${randomBytes(6).toString('hex')}`;
  const secret = request.secret ?? randomBytes(24).toString('base64url');
  const doc: WebhookDoc = {
    _id: id, kind: 'webhook', name: request.name, url: request.url, events: request.events,
    secret: seal(secretKey(services.config), secret, id), createdBy: actor, createdAt: new Date().toISOString(),
  };
  await withRetry(() => db(services).insert(doc));
  return { ...presentWebhook(doc), secret };
}

export const webhookSecret = (services: Services, doc: WebhookDoc): string => open(secretKey(services.config), doc.secret, doc._id);

export async function deleteWebhook(services: Services, id: string): Promise<void> {
  const doc = await getWebhook(services, id);
  await withRetry(() => db(services).destroy(doc._id, doc._rev as string));
}

export async function saveDelivery(services: Services, doc: DeliveryDoc): Promise<DeliveryDoc> {
  const result = await withRetry(() => db(services).insert(doc));
  return { ...doc, _rev: result.rev };
}

export async function findDelivery(services: Services, id: string): Promise<DeliveryDoc | undefined> {
  try {
    return DeliveryDoc.parse(await withRetry(() => db(services).get(id)));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
