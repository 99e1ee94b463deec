import { z } from 'zod';
import type { MangoSelector } from 'nano';
import type { Services } from '../services.js';
import { withRetry } from '../store/index.js';
import { Operation } from '../salesforce/index.js';
import { MigrationDoc, MigrationState } from './model.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');

/** The list page's and GET /api/v1/migrations' query string: every filter optional, pages of `size`. */
export const MigrationSearch = z.object({
  q: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  state: z.preprocess(blankToUndefined, MigrationState.optional()),
  object: z.preprocess(blankToUndefined, z.string().max(80).optional()),
  operation: z.preprocess(blankToUndefined, Operation.optional()),
  connectionId: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  createdBy: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  from: z.preprocess(blankToUndefined, Day.optional()),
  to: z.preprocess(blankToUndefined, Day.optional()),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  size: z.coerce.number().int().min(1).max(200).default(25),
});
export type MigrationSearch = z.infer<typeof MigrationSearch>;

export interface MigrationPage { migrations: MigrationDoc[]; page: number; size: number; hasNext: boolean }

/**
 * A case-insensitive "contains" pattern written with character classes instead of a flag, because
 * CouchDB (PCRE) and PouchDB (JavaScript) agree on classes but not on inline flags.
 */
export function containsPattern(text: string): string {
  return [...text].map((c) => {
    if (/[.*+?^${}()|[\]\\/-]/.test(c)) return `\\${c}`;
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    return lower === upper ? c : `[${lower}${upper}]`;
  }).join('');
}

function selectorOf(search: MigrationSearch): MangoSelector {
  const createdAt: Record<string, string> = { $gt: '' };
  if (search.from) createdAt.$gte = search.from;
  if (search.to) createdAt.$lt = new Date(Date.parse(`${search.to}T00:00:00Z`) + 86_400_000).toISOString();
  return {
    kind: { $eq: 'migration' },
    createdAt,
    ...(search.state ? { state: search.state } : {}),
    ...(search.object ? { object: search.object } : {}),
    ...(search.operation ? { operation: search.operation } : {}),
    ...(search.connectionId ? { connectionId: search.connectionId } : {}),
    ...(search.createdBy ? { createdBy: search.createdBy } : {}),
    ...(search.q ? { name: { $regex: containsPattern(search.q) } } : {}),
  };
}

/** Newest first, from CouchDB (the history survives Redis restarts); one extra row tells whether a next page exists. */
export async function searchMigrations(services: Services, input: unknown): Promise<MigrationPage> {
  const search = MigrationSearch.parse(input);
  await services.store.client.authorize();
  const result = await withRetry(() => services.store.db('migrations').find({
    selector: selectorOf(search),
    sort: [{ kind: 'desc' }, { createdAt: 'desc' }],
    use_index: 'by-kind-created',
    skip: (search.page - 1) * search.size,
    limit: search.size + 1,
  }));
  const docs = result.docs.map((d) => MigrationDoc.parse(d));
  return { migrations: docs.slice(0, search.size), page: search.page, size: search.size, hasNext: docs.length > search.size };
}
