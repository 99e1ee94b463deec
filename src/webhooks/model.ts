import { z } from 'zod';
import { SealedBox } from '../connections/secret-box.js';

/** Run ends a webhook may follow. `stalled` is sent by the engine's watchdog when it marks a run stalled. */
export const WEBHOOK_EVENTS = ['completed', 'failed', 'stalled'] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WebhookRequest = z.object({
  name: z.string().trim().min(1).max(100),
  url: z.url({ protocol: /^https?$/ }),
  events: z.array(WebhookEvent).min(1).default([...WEBHOOK_EVENTS]),
  secret: z.string().min(16).max(200).optional().meta({ description: 'HMAC key; DMS makes one (shown once) when absent' }),
});

export const WebhookDoc = z.object({
  _id: z.string().startsWith('webhook:'),
  _rev: z.string().optional(),
  kind: z.literal('webhook'),
  name: z.string(),
  url: z.string(),
  events: z.array(WebhookEvent),
  /** The HMAC key, sealed with SECRET_KEY like connection secrets. */
  secret: SealedBox,
  createdBy: z.string(),
  createdAt: z.string(),
});
export type WebhookDoc = z.infer<typeof WebhookDoc>;

export const DeliveryAttempt = z.object({ at: z.string(), status: z.number().int().optional(), error: z.string().optional(), ms: z.number() });
export const DeliveryDoc = z.object({
  _id: z.string().startsWith('delivery:'),
  _rev: z.string().optional(),
  kind: z.literal('delivery'),
  webhookId: z.string(),
  event: WebhookEvent,
  migrationId: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(DeliveryAttempt),
  createdAt: z.string(),
});
export type DeliveryDoc = z.infer<typeof DeliveryDoc>;

export const webhookIdOf = (doc: Pick<WebhookDoc, '_id'>) => doc._id.slice('webhook:'.length);
