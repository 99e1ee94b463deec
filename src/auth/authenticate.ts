import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import type { AuthUser } from './roles.js';
import { findUser } from './users.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from './rate-limit.js';

/** Checks a user name and password under the login rate limit; the same message for every kind of failure. */
export async function authenticate(services: Services, username: string, password: string, address: string): Promise<AuthUser> {
  await assertLoginAllowed(services, username, address);
  const user = await findUser(services, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) {
    await recordLoginFailure(services, username, address);
    throw new AppError('LOGIN_FAILED', 401, 'The user name or password is wrong, or the account is disabled.');
  }
  await clearLoginFailures(services, username, address);
  return { username: user.username, role: user.role };
}
