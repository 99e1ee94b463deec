import { z } from 'zod';
import { defineOperations } from '../../openapi/index.js';
import { NewTokenRequest, Role, TokenScope } from '../../auth/index.js';
import { TokenListQuery } from '../tokens.js';
import { IdParams } from './shapes.js';

const TokenView = z.object({
  id: z.string(),
  owner: z.string(),
  name: z.string(),
  scope: TokenScope,
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
  lastUsedAt: z.string().optional(),
  lastUsedFrom: z.string().optional(),
  state: z.enum(['active', 'expired', 'revoked']),
}).meta({ id: 'Token' });
const tag = 'tokens';

export const tokenOperations = defineOperations([
  {
    method: 'get', path: '/api/v1/me', tag, scope: 'read', summary: 'Who is calling, and how',
    responses: {
      200: z.object({
        username: z.string(), role: Role, via: z.enum(['session', 'basic', 'token']),
        token: z.object({ id: z.string(), scope: TokenScope }).optional(),
      }),
    },
  },
  {
    method: 'get', path: '/api/v1/tokens', tag, scope: 'read',
    summary: 'Your API tokens with their last use',
    query: TokenListQuery,
    responses: { 200: z.object({ tokens: z.array(TokenView) }) },
  },
  {
    method: 'post', path: '/api/v1/tokens', tag, scope: 'read',
    summary: 'Create a token: the answer is the only time its secret is shown (not with a token)',
    body: NewTokenRequest,
    responses: { 201: TokenView.extend({ token: z.string().meta({ description: 'dms_<id>_<secret>' }) }) },
  },
  {
    method: 'delete', path: '/api/v1/tokens/{id}', tag, scope: 'read',
    summary: 'Revoke one of your tokens (admins: anyone\'s)',
    params: IdParams,
    responses: { 200: TokenView },
  },
]);
