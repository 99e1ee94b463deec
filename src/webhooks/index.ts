export { WEBHOOK_EVENTS, WebhookEvent, WebhookRequest, webhookIdOf } from './model.js';
export { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhookDocs, presentWebhook, type WebhookView } from './store.js';
export { deliverWebhook, signDelivery, deliveryDocId, type DeliveryJob } from './deliver.js';
export { notifyRunEnd } from './notify.js';
