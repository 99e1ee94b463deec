import type { Services } from '../services.js';
import { AppError, isAppError } from '../errors.js';
import { openSession, readWithRetries, sfJson } from '../salesforce/index.js';
import { loadCredentials } from './credentials.js';
import { LOCAL_ORG_CONNECTION_ID } from './model.js';
import { updateConnectionOrg } from './store.js';

/** Limits worth showing an operator before a run. */
const SHOWN_LIMITS = ['DailyApiRequests', 'DailyBulkV2QueryJobs', 'DailyBulkApiBatches', 'DataStorageMB', 'FileStorageMB'];

export interface ConnectionCheck {
  orgId: string;
  userId: string;
  username: string;
  instanceUrl: string;
  limits: { name: string; max: number; remaining: number }[];
}

/** Logs in with the stored credentials and reads who we are and the org's limits (nothing secret in the answer). */
export async function testConnection(services: Services, connectionId: string): Promise<ConnectionCheck> {
  const credentials = await loadCredentials(services, connectionId);
  try {
    const session = await openSession(connectionId, credentials);
    const identity = await readWithRetries(() => session.conn.identity());
    const limits = await sfJson<Record<string, { Max: number; Remaining: number }>>(session, { method: 'GET', path: '/limits' });
    const check: ConnectionCheck = {
      orgId: identity.organization_id,
      userId: identity.user_id,
      username: identity.username,
      instanceUrl: session.conn.instanceUrl,
      limits: SHOWN_LIMITS.filter((name) => limits[name]).map((name) => ({ name, max: limits[name]?.Max ?? 0, remaining: limits[name]?.Remaining ?? 0 })),
    };
    if (connectionId !== LOCAL_ORG_CONNECTION_ID) await updateConnectionOrg(services, connectionId, { orgId: check.orgId, instanceUrl: check.instanceUrl });
    return check;
  } catch (error) {
    if (isAppError(error) && error.expose) throw error;
    // Shown to the admin who asked: Salesforce's own reason (it never contains the secrets sent).
    throw new AppError('CONNECTION_TEST_FAILED', 502, `Salesforce did not accept this connection: ${(error as Error).message}`, { cause: error, expose: true });
  }
}
