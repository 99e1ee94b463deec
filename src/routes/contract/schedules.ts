import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { LastRun, ScheduleRequest, ScheduledJob } from '../../schedules/index.js';
import { WebhookEvent, WebhookRequest } from '../../webhooks/index.js';
import { IdParams, resourceRoutes } from './shapes.js';

const ScheduleView = z.object({
  id: z.string(), name: z.string(), cron: z.string(), timezone: z.string(), job: ScheduledJob, paused: z.boolean(),
  nextRunAt: z.string().optional(), createdBy: z.string(), createdAt: z.string(), updatedAt: z.string(),
  lastRun: LastRun.optional(),
}).meta({ id: 'Schedule' });
const WebhookView = z.object({ id: z.string(), name: z.string(), url: z.string(), events: z.array(WebhookEvent), createdBy: z.string(), createdAt: z.string() })
  .meta({ id: 'Webhook' });
const Delivery = z.object({
  _id: z.string(), webhookId: z.string(), event: WebhookEvent, migrationId: z.string(), state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(z.object({ at: z.string(), status: z.number().int().optional(), error: z.string().optional(), ms: z.number() })), createdAt: z.string(),
});
const tag = 'schedules';
const schedules = resourceRoutes('/api/v1/schedules', tag, ScheduleView);

export const scheduleOperations = defineOperations([
  schedules.list('Schedules with their next run'),
  {
    method: 'post', path: '/api/v1/schedules', tag, scope: 'operate',
    summary: 'A recurring migration, export or transfer (cron in a time zone)',
    body: ScheduleRequest,
    responses: { 201: ScheduleView },
  },
  schedules.one('One schedule'),
  schedules.control('pause', 'Pause: nothing runs until resumed'),
  schedules.control('resume', 'Resume from the next cron time'),
  {
    method: 'delete', path: '/api/v1/schedules/{id}', tag, scope: 'operate',
    summary: 'Delete a schedule',
    params: IdParams,
    responses: { 204: null },
  },
  {
    method: 'get', path: '/api/v1/webhooks', tag: 'webhooks', scope: 'admin',
    summary: 'Webhooks (never their secrets)',
    responses: { 200: z.object({ webhooks: z.array(WebhookView) }) },
  },
  {
    method: 'post', path: '/api/v1/webhooks', tag: 'webhooks', scope: 'admin',
    summary: 'A webhook on run ends; its secret is answered this once',
    body: WebhookRequest, responses: { 201: WebhookView.extend({ secret: z.string() }) },
  },
  {
    method: 'delete', path: '/api/v1/webhooks/{id}', tag: 'webhooks', scope: 'admin',
    summary: 'Remove a webhook',
    params: IdParams,
    responses: { 204: null },
  },
  {
    method: 'get', path: '/api/v1/webhooks/{id}/deliveries', tag: 'webhooks', scope: 'admin',
    summary: 'The delivery log, newest first',
    params: IdParams, responses: { 200: z.object({ deliveries: z.array(Delivery) }) },
  },
]);
