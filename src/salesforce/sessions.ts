import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { SessionPool, type SalesforceSession } from './connection-factory.js';
import { LOCAL_CONNECTION_ID, type SalesforceCredentials } from './credentials.js';

const pools = new WeakMap<Services, SessionPool>();

/** The Local org is the emulator at the configured URL; other ids are stored connections. */
async function credentialsFor(services: Services, connectionId: string): Promise<SalesforceCredentials> {
  if (connectionId === LOCAL_CONNECTION_ID) {
    const url = services.config.emulator.localOrgUrl;
    if (!url) throw new AppError('LOCAL_ORG_UNAVAILABLE', 409, 'The Local org is not running: start DMS with `npm start` or set LOCAL_ORG_URL.');
    return { kind: 'local', url };
  }
  throw new AppError('CONNECTION_UNKNOWN', 404, `Connection ${connectionId} is not known; add it on the Connections page.`);
}

/** One logged-in session per connection and process. */
export function sessionFor(services: Services, connectionId: string): Promise<SalesforceSession> {
  let pool = pools.get(services);
  if (!pool) {
    pool = new SessionPool((id) => credentialsFor(services, id));
    pools.set(services, pool);
  }
  return pool.get(connectionId);
}
