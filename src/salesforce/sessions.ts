import type { Services } from '../services.js';
import { loadCredentials } from '../connections/index.js';
import { SessionPool, type SalesforceSession } from './connection-factory.js';

const pools = new WeakMap<Services, SessionPool>();

/** One logged-in session per connection and process; credentials come from the connections room (Local org included). */
export function sessionFor(services: Services, connectionId: string): Promise<SalesforceSession> {
  let pool = pools.get(services);
  if (!pool) {
    pool = new SessionPool((id) => loadCredentials(services, id));
    pools.set(services, pool);
  }
  return pool.get(connectionId);
}
