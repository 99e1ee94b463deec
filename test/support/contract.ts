import assert from 'node:assert/strict';
import type { Express } from 'express';
import type { z } from 'zod';
import { ErrorBody, expressPath, isMediaBody, type ApiOperation } from '../../src/openapi/index.js';
import { API_OPERATIONS } from '../../src/routes/contract/index.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string;
}

/** Every route the Express app serves, as `METHOD /path/:param`, read from its router stack. */
export function appRoutes(app: Express): string[] {
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const path = `${prefix}${layer.route.path}`.replace(/(.)\/$/, '$1');
        return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${path}`);
      }
      if (!layer.handle?.stack) return [];
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return walk(layer.handle.stack, `${prefix}${mount}`);
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
}

export const documentedRoutes = (): string[] => API_OPERATIONS.map((op) => `${op.method.toUpperCase()} ${expressPath(op.path)}`);

function operationFor(method: string, url: string): ApiOperation | undefined {
  const path = new URL(url, 'http://x').pathname;
  return API_OPERATIONS.find((op) => {
    if (op.method !== method.toLowerCase()) return false;
    const pattern = new RegExp(`^${op.path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}/?$`);
    return pattern.test(path);
  });
}

/**
 * Checks one answer against the document: the route is documented, its status is one the document lists (or an
 * error in the one error shape), and a JSON body parses with the documented schema.
 */
export function assertMatchesContract(method: string, url: string, status: number, body: unknown, contentType = ''): void {
  const op = operationFor(method, url);
  assert.ok(op, `${method} ${url} is not in the OpenAPI document`);
  if (status >= 400) {
    const parsed = ErrorBody.safeParse(body);
    assert.ok(parsed.success, `${method} ${url} answered ${status} outside the error shape: ${JSON.stringify(body)}`);
    return;
  }
  assert.ok(status in op.responses, `${method} ${url} answered ${status}; the document lists ${Object.keys(op.responses).join(', ')}`);
  const spec = op.responses[status];
  if (spec === null || spec === undefined) return;
  if (isMediaBody(spec)) {
    assert.ok(contentType.startsWith(spec.contentType), `${method} ${url} sent ${contentType}, documented ${spec.contentType}`);
    return;
  }
  const parsed = (spec as z.ZodType).safeParse(body);
  assert.ok(parsed.success, `${method} ${url} (${status}) does not match its schema: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 5))}`);
}
