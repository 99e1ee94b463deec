import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { ConnectionRequest, ConnectionSettings } from '../connections.js';
import { IdParams, resourceRoutes } from './shapes.js';

export const ConnectionView = z.looseObject({
  id: z.string(),
  name: z.string(),
  method: z.string(),
  loginUrl: z.string(),
  username: z.string().optional(),
  production: z.boolean(),
  orgId: z.string().optional(),
}).meta({ id: 'Connection' });

const tag = 'connections';
const connections = resourceRoutes('/api/v1/connections', tag, ConnectionView);

export const connectionOperations = defineOperations([
  connections.list('Connections (never their secrets)'),
  {
    method: 'post', path: '/api/v1/connections', tag, scope: 'admin',
    summary: 'Add an org (password or JWT)',
    body: ConnectionRequest,
    responses: { 201: ConnectionView },
  },
  {
    method: 'post', path: '/api/v1/connections/{id}/test', tag, scope: 'admin',
    summary: 'Log in and read the org\'s limits',
    params: IdParams,
    responses: {
      200: z.object({
        orgId: z.string(), userId: z.string(), username: z.string(), instanceUrl: z.string(),
        limits: z.array(z.object({ name: z.string(), max: z.number(), remaining: z.number() })),
      }),
    },
  },
  {
    method: 'patch', path: '/api/v1/connections/{id}', tag, scope: 'admin',
    summary: 'The production marker and the org\'s defaults (time zone, date order, insert null values)',
    params: IdParams,
    body: ConnectionSettings,
    responses: { 200: ConnectionView },
  },
  {
    method: 'delete', path: '/api/v1/connections/{id}', tag, scope: 'admin',
    summary: 'Remove a connection',
    params: IdParams,
    responses: { 204: null },
  },
]);
