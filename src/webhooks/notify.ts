import type { Services } from '../services.js';
import type { WebhookEvent } from './model.js';
import { webhookIdOf } from './model.js';
import { listWebhookDocs } from './store.js';

/**
 * Queues a delivery to every webhook that follows `event` for this run. Job ids are `<webhook>:<run>:<event>`, so a
 * finalize that runs twice queues each delivery once. The engine calls it when a run completes or fails, and its
 * watchdog when it marks a run stalled.
 */
export async function notifyRunEnd(services: Services, migrationId: string, event: WebhookEvent): Promise<number> {
  const hooks = (await listWebhookDocs(services)).filter((w) => w.events.includes(event));
  const queuedAt = new Date().toISOString();
  await Promise.all(hooks.map((hook) => services.producer.enqueue(
    'webhook.deliver',
    { webhookId: webhookIdOf(hook), migrationId, event, queuedAt },
    { jobId: `${webhookIdOf(hook)}:${migrationId}:${event}` },
  )));
  return hooks.length;
}
