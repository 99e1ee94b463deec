export { LOCAL_ORG_CONNECTION_ID, ConnectionDefaults, ConnectionMethod, CONNECTION_METHODS, type ConnectionSummary } from './model.js';
export { loadCredentials } from './credentials.js';
export {
  connectionSummary,
  createConnection,
  deleteConnection,
  listConnections,
  getConnectionDoc,
  isProductionConnection,
  updateConnectionOrg,
  updateConnectionSettings,
  type NewConnection,
} from './store.js';
export { testConnection, type ConnectionCheck } from './test-connection.js';
export { startOAuth, finishOAuth, type OAuthStart } from './oauth.js';
export { seal, open, SealedBox } from './secret-box.js';
export { secretKey } from './secret-key.js';
