import { createHmac } from 'node:crypto';
import type { Services } from '../services.js';
import { getMigration } from '../migrations/index.js';
import { DeliveryDoc, type WebhookEvent } from './model.js';
import { findDelivery, getWebhook, saveDelivery, webhookSecret } from './store.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * `X-DMS-Signature: sha256=<hex>`: HMAC-SHA256 with the webhook's secret over `<timestamp>.<body>`, the timestamp
 * also in `X-DMS-Timestamp` (a receiver refuses old ones, so a captured delivery cannot be replayed later).
 */
export function signDelivery(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface DeliveryJob { webhookId: string; migrationId: string; event: WebhookEvent; queuedAt: string }

export const deliveryDocId = (job: DeliveryJob) => `delivery:${job.webhookId}:${job.queuedAt}:${job.migrationId}:${job.event}`;

/**
 * One attempt to deliver a run end. Every attempt is logged on the delivery; a non-2xx answer or no answer throws,
 * so BullMQ retries with backoff, and the last attempt marks the delivery failed.
 */
export async function deliverWebhook(services: Services, job: DeliveryJob, lastAttempt: boolean): Promise<{ status: number }> {
  const webhook = await getWebhook(services, job.webhookId);
  const migration = await getMigration(services, job.migrationId);
  const id = deliveryDocId(job);
  const delivery = (await findDelivery(services, id)) ?? DeliveryDoc.parse({
    _id: id, kind: 'delivery', webhookId: job.webhookId, event: job.event, migrationId: job.migrationId,
    state: 'pending', attempts: [], createdAt: job.queuedAt,
  });
  const body = JSON.stringify({
    event: `migration.${job.event}`,
    delivery: id.slice('delivery:'.length),
    migration: {
      id: migration._id, name: migration.name, state: migration.state, object: migration.object, operation: migration.operation,
      connectionId: migration.connectionId, datasetId: migration.datasetId, totals: migration.totals,
      startedAt: migration.startedAt, finishedAt: migration.finishedAt, createdBy: migration.createdBy,
    },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const started = Date.now();
  let status: number | undefined;
  let error: string | undefined;
  try {
    const res = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'user-agent': 'DMS-Webhook', 'x-dms-event': `migration.${job.event}`,
        'x-dms-delivery': id.slice('delivery:'.length), 'x-dms-timestamp': timestamp,
        'x-dms-signature': signDelivery(webhookSecret(services, webhook), timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      redirect: 'manual',
    });
    status = res.status;
    await res.body?.cancel();
    if (status < 200 || status >= 300) error = `answered HTTP ${status}`;
  } catch (cause) {
    error = (cause as Error).message;
  }
  const attempt = { at: new Date(started).toISOString(), ms: Date.now() - started, ...(status ? { status } : {}), ...(error ? { error } : {}) };
  const state = !error ? 'delivered' : lastAttempt ? 'failed' : 'pending';
  await saveDelivery(services, { ...delivery, state, attempts: [...delivery.attempts, attempt] });
  if (error) throw new Error(`webhook ${webhook.name} (${webhook.url}): ${error}`);
  return { status: status as number };
}
