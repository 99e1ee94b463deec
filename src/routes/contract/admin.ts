import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { AuditDoc, AuditFilter, ChainReport } from '../../audit/index.js';
import { Role } from '../../auth/index.js';
import { QUEUE_NAMES } from '../../queue/index.js';
import { NewUserRequest, UserChange } from '../admin.js';

const UserView = z.looseObject({ username: z.string(), role: Role, disabled: z.boolean().optional(), approver: z.boolean() }).meta({ id: 'User' });
const AuditView = AuditDoc.omit({ _rev: true }).meta({ id: 'AuditEntry' });
const QueueDepth = z.object({
  name: z.enum(QUEUE_NAMES as [string, ...string[]]), waiting: z.number().int(), active: z.number().int(), delayed: z.number().int(),
  failed: z.number().int(), completed: z.number().int(), workers: z.number().int(),
});

export const adminOperations = defineOperations([
  {
    method: 'get', path: '/api/v1/users', tag: 'admin', scope: 'admin',
    summary: 'Users and roles',
    responses: { 200: z.object({ users: z.array(UserView) }) },
  },
  {
    method: 'post', path: '/api/v1/users', tag: 'admin', scope: 'admin',
    summary: 'Add a user',
    body: NewUserRequest,
    responses: { 201: UserView },
  },
  {
    method: 'patch', path: '/api/v1/users/{username}', tag: 'admin', scope: 'admin',
    summary: 'Change a role, the approver right or a password, or disable (ends their sessions)',
    params: z.object({ username: z.string() }), body: UserChange, responses: { 200: UserView },
  },
  {
    method: 'get', path: '/api/v1/audit', tag: 'admin', scope: 'admin',
    summary: 'The audit log, newest first',
    query: AuditFilter,
    responses: { 200: z.object({ entries: z.array(AuditView), next: z.string().optional() }) },
  },
  {
    method: 'get', path: '/api/v1/audit/verify', tag: 'admin', scope: 'admin',
    summary: 'Walk the hash chain of the audit log and name the first entry that does not match',
    responses: { 200: ChainReport.meta({ id: 'AuditChainReport' }) },
  },
  {
    method: 'get', path: '/api/v1/audit/export', tag: 'admin', scope: 'admin',
    summary: 'Every audit entry as NDJSON, oldest first (streamed)',
    responses: { 200: { contentType: 'application/x-ndjson', description: 'One audit entry (with seq, prevHash and hash) per line' } },
  },
  {
    method: 'get', path: '/api/v1/dashboard', tag: 'operations', scope: 'read',
    summary: 'Runs in progress, queue depths, workers, latest failures',
    responses: {
      200: z.looseObject({
        runs: z.array(z.looseObject({ _id: z.string(), name: z.string(), state: z.string() })),
        queues: z.array(QueueDepth),
        workers: z.number().int(),
        failures: z.array(z.looseObject({ queue: z.string(), id: z.string(), name: z.string(), reason: z.string(), at: z.string() })),
      }),
    },
  },
]);
