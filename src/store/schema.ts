import { z } from 'zod';
import type { DocumentScope } from 'nano';
import type { CouchClient } from './couch.js';
import { isConflict, isMissing, withRetry } from './retry.js';
import { logger } from '../logger.js';

/** Every database DMS keeps, with the Mango indexes its queries need. */
export const DATABASES = {
  meta: [],
  blobs: [],
  datasets: [
    { name: 'by-kind-created', fields: ['kind', 'createdAt'] },
    { name: 'by-dataset-chunk', fields: ['datasetId', 'index'] },
    // The sweeper's: datasets by status, least recently updated first; datasets with chunks left to delete.
    { name: 'by-status-updated', fields: ['status', 'updatedAt'] },
    { name: 'by-cleanup', fields: ['cleanup.run'] },
  ],
  templates: [{ name: 'by-kind-name', fields: ['kind', 'name'] }],
  validations: [{ name: 'by-dataset-created', fields: ['datasetId', 'createdAt'] }],
  migrations: [
    { name: 'by-kind-created', fields: ['kind', 'createdAt'] },
    { name: 'by-migration-batch', fields: ['migrationId', 'batch'] },
    // The watchdog's: migrations that may still have batches to run.
    { name: 'by-kind-state', fields: ['kind', 'state'] },
  ],
  connections: [{ name: 'by-kind-name', fields: ['kind', 'name'] }],
  users: [{ name: 'by-username', fields: ['username'] }],
  audit: [{ name: 'by-at', fields: ['at'] }],
  drafts: [{ name: 'by-kind-updated', fields: ['kind', 'updatedAt'] }],
  tokens: [],
  schedules: [],
  // Transfers and their dead letters (by transfer, oldest first).
  transfers: [{ name: 'by-kind-created', fields: ['kind', 'createdAt'] }, { name: 'by-transfer-at', fields: ['transferId', 'at'] }],
} as const satisfies Record<string, readonly { name: string; fields: readonly string[] }[]>;

export type DatabaseName = keyof typeof DATABASES;

/** Bump with a new entry in MIGRATIONS whenever stored documents change shape. */
export const SCHEMA_VERSION = 1;

const SchemaDoc = z.object({ _id: z.literal('schema'), _rev: z.string().optional(), version: z.number().int(), migratedAt: z.string() });
type SchemaDoc = z.infer<typeof SchemaDoc>;

/** MIGRATIONS[n] moves stored documents from version n to n + 1. */
const MIGRATIONS: Record<number, (dbs: (name: DatabaseName) => DocumentScope<unknown>) => Promise<void>> = {};

export function databaseName(prefix: string, name: DatabaseName): string {
  return `${prefix}${name}`;
}

/** Creates missing databases and indexes, then runs schema migrations up to SCHEMA_VERSION. Safe to run from many processes. */
export async function ensureSchema(client: CouchClient, prefix: string): Promise<{ version: number }> {
  await client.authorize();
  const existing = new Set(await withRetry(() => client.server.db.list()));
  for (const [name, indexes] of Object.entries(DATABASES) as [DatabaseName, readonly { name: string; fields: readonly string[] }[]][]) {
    const dbName = databaseName(prefix, name);
    if (!existing.has(dbName)) {
      try {
        await withRetry(() => client.server.db.create(dbName));
      } catch (error) {
        // 412: another process created it first.
        if ((error as { statusCode?: number }).statusCode !== 412) throw error;
      }
    }
    const db = client.server.use(dbName);
    for (const index of indexes) {
      await withRetry(() => db.createIndex({ index: { fields: [...index.fields] }, name: index.name, ddoc: index.name, type: 'json' }));
    }
  }
  return migrateSchema(client, prefix);
}

async function migrateSchema(client: CouchClient, prefix: string): Promise<{ version: number }> {
  const meta = client.server.use<SchemaDoc>(databaseName(prefix, 'meta'));
  let doc: SchemaDoc;
  try {
    doc = SchemaDoc.parse(await withRetry(() => meta.get('schema')));
  } catch (error) {
    if (!isMissing(error)) throw error;
    doc = { _id: 'schema', version: SCHEMA_VERSION, migratedAt: new Date().toISOString() };
    try {
      await withRetry(() => meta.insert(doc));
    } catch (insertError) {
      if (!isConflict(insertError)) throw insertError;
    }
    return { version: SCHEMA_VERSION };
  }
  for (let v = doc.version; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`No stored-document migration from schema version ${v} to ${v + 1}`);
    logger('store').info({ from: v, to: v + 1 }, 'migrating stored documents');
    await step((name) => client.server.use(databaseName(prefix, name)));
    doc = { ...doc, version: v + 1, migratedAt: new Date().toISOString() };
    const result = await withRetry(() => meta.insert(doc));
    doc._rev = result.rev;
  }
  return { version: doc.version };
}
