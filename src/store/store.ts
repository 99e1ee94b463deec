import type { DocumentScope } from 'nano';
import type { CouchSettings } from '../config.js';
import { createCouchClient, type CouchClient } from './couch.js';
import { databaseName, ensureSchema, type DatabaseName } from './schema.js';
import { withRetry } from './retry.js';

/** Access to DMS's CouchDB/Cloudant databases; document modules build on `db(name)`. */
export interface Store {
  client: CouchClient;
  prefix: string;
  db<T = unknown>(name: DatabaseName): DocumentScope<T>;
  /** Version of the server, for /healthz. Throws when unreachable. */
  ping(): Promise<{ vendor: string; version: string }>;
  ensureSchema(): Promise<{ version: number }>;
}

export function createStore(settings: CouchSettings & { dbPrefix: string }): Store {
  const client = createCouchClient(settings);
  return {
    client,
    prefix: settings.dbPrefix,
    db: <T>(name: DatabaseName) => client.server.use<T>(databaseName(settings.dbPrefix, name)),
    async ping() {
      await client.authorize();
      const info = (await withRetry(() => client.server.info(), 2)) as unknown as { version?: string; vendor?: { name?: string }; 'express-pouchdb'?: string };
      return { vendor: info.vendor?.name ?? (info['express-pouchdb'] ? 'PouchDB Server' : 'CouchDB'), version: info.version ?? 'unknown' };
    },
    ensureSchema: () => ensureSchema(client, settings.dbPrefix),
  };
}
