import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { SalesforceCredentials } from '../salesforce/credentials.js';
import { LOCAL_ORG_CONNECTION_ID } from './model.js';
import { connectionSecrets, getConnectionDoc } from './store.js';

const missing = (id: string, what: string) =>
  new AppError('CONNECTION_INCOMPLETE', 409, `Connection ${id} has no ${what}: edit or add the connection again.`);

/**
 * The credentials to open connection `connectionId`, decrypted for the caller (a worker or "Test
 * connection"). Keep them in memory only: never log them, return them to a browser or enqueue them.
 */
export async function loadCredentials(services: Services, connectionId: string): Promise<SalesforceCredentials> {
  if (connectionId === LOCAL_ORG_CONNECTION_ID) {
    const url = services.config.emulator.localOrgUrl;
    if (!url) {
      throw new AppError('LOCAL_ORG_NOT_RUNNING', 409, 'The Local org is not running: start DMS with `npm start` (it embeds the Salesforce emulator) or set LOCAL_ORG_URL, or pick another connection.');
    }
    return { kind: 'local', url };
  }
  const doc = await getConnectionDoc(services, connectionId);
  const secrets = connectionSecrets(services, doc);
  switch (doc.method) {
    case 'password':
      if (!doc.username || !secrets.password) throw missing(connectionId, 'username or password');
      return SalesforceCredentials.parse({
        kind: 'password',
        loginUrl: doc.loginUrl,
        username: doc.username,
        password: secrets.password,
        securityToken: secrets.securityToken,
        clientId: doc.clientId,
        clientSecret: secrets.clientSecret,
      });
    case 'jwt':
      if (!doc.username || !doc.clientId || !secrets.privateKey) throw missing(connectionId, 'username, consumer key or private key');
      return SalesforceCredentials.parse({ kind: 'jwt', loginUrl: doc.loginUrl, clientId: doc.clientId, username: doc.username, privateKeyPem: secrets.privateKey });
    case 'oauth':
      if (!doc.clientId || !secrets.refreshToken || !doc.instanceUrl) throw missing(connectionId, 'refresh token');
      return SalesforceCredentials.parse({
        kind: 'oauth',
        instanceUrl: doc.instanceUrl,
        refreshToken: secrets.refreshToken,
        clientId: doc.clientId,
        clientSecret: secrets.clientSecret,
      });
  }
}
