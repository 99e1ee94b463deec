import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { AppError, notFound } from '../errors.js';
import { isMissing, withRetry } from '../store/index.js';
import {
  ConnectionDoc, ConnectionSecrets, LOCAL_ORG_CONNECTION_ID, docId, summarize, type ConnectionDefaults, type ConnectionMethod, type ConnectionSummary,
} from './model.js';
import { open, seal } from './secret-box.js';
import { secretKey } from './secret-key.js';

export interface NewConnection {
  name: string;
  method: ConnectionMethod;
  loginUrl: string;
  username?: string;
  clientId?: string;
  production: boolean;
  instanceUrl?: string;
  secrets: ConnectionSecrets;
}

const db = (services: Services) => services.store.db<ConnectionDoc>('connections');

export async function createConnection(services: Services, input: NewConnection, actor: string): Promise<ConnectionSummary> {
  const id = randomUUID();
  const now = new Date().toISOString();
  const { secrets, ...fields } = input;
  const doc: ConnectionDoc = {
    _id: docId(id),
    kind: 'connection',
    defaults: { insertNulls: false },
    ...fields,
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
    secret: seal(secretKey(services.config), JSON.stringify(ConnectionSecrets.parse(secrets)), docId(id)),
  };
  await withRetry(() => db(services).insert(ConnectionDoc.parse(doc)));
  return summarize(doc);
}

export async function getConnectionDoc(services: Services, id: string): Promise<ConnectionDoc> {
  try {
    return ConnectionDoc.parse(await withRetry(() => db(services).get(docId(id))));
  } catch (error) {
    if (isMissing(error)) throw notFound(`Connection ${id}`);
    throw error;
  }
}

export function connectionSecrets(services: Services, doc: ConnectionDoc): ConnectionSecrets {
  return ConnectionSecrets.parse(JSON.parse(open(secretKey(services.config), doc.secret, doc._id)));
}

/** Records what "Test connection" learned about the org (never the secrets). */
export async function updateConnectionOrg(services: Services, id: string, org: { orgId: string; instanceUrl: string }): Promise<void> {
  const doc = await getConnectionDoc(services, id);
  await withRetry(() => db(services).insert({ ...doc, ...org, updatedAt: new Date().toISOString() }));
}

/** Changes the production marker and the defaults of a stored connection (the Local org has none to change). */
export async function updateConnectionSettings(
  services: Services, id: string, settings: { production: boolean; defaults: ConnectionDefaults },
): Promise<ConnectionSummary> {
  if (id === LOCAL_ORG_CONNECTION_ID) throw new AppError('LOCAL_ORG_FIXED', 409, 'The Local org is part of DMS and cannot be changed.');
  const doc = await getConnectionDoc(services, id);
  const next = ConnectionDoc.parse({ ...doc, ...settings, updatedAt: new Date().toISOString() });
  await withRetry(() => db(services).insert(next));
  return summarize(next);
}

export async function deleteConnection(services: Services, id: string): Promise<void> {
  if (id === LOCAL_ORG_CONNECTION_ID) throw new AppError('LOCAL_ORG_FIXED', 409, 'The Local org is part of DMS and cannot be removed.');
  const doc = await getConnectionDoc(services, id);
  await withRetry(() => db(services).destroy(doc._id, doc._rev ?? ''));
}

export function localOrgSummary(services: Services): ConnectionSummary | undefined {
  const url = services.config.emulator.localOrgUrl;
  if (!url) return undefined;
  return { id: LOCAL_ORG_CONNECTION_ID, name: 'Local org', method: 'local', loginUrl: url, production: false, defaults: { insertNulls: false } };
}

/** The Local org (when it runs) first, then stored connections by name. */
export async function listConnections(services: Services): Promise<ConnectionSummary[]> {
  await services.store.client.authorize();
  const result = await withRetry(() =>
    db(services).find({ selector: { kind: 'connection', name: { $gt: null } }, sort: [{ kind: 'asc' }, { name: 'asc' }], use_index: 'by-kind-name', limit: 1000 }),
  );
  const stored = result.docs.map((d) => summarize(ConnectionDoc.parse(d)));
  const local = localOrgSummary(services);
  return local ? [local, ...stored] : stored;
}

/** One connection as the pages name it (the Local org included). */
export async function connectionSummary(services: Services, id: string): Promise<ConnectionSummary> {
  const local = id === LOCAL_ORG_CONNECTION_ID ? localOrgSummary(services) : undefined;
  return local ?? summarize(await getConnectionDoc(services, id));
}

/** Whether roll back on this connection's org needs the admin role. */
export async function isProductionConnection(services: Services, id: string): Promise<boolean> {
  if (id === LOCAL_ORG_CONNECTION_ID) return false;
  return (await getConnectionDoc(services, id)).production;
}
