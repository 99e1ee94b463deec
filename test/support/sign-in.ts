import { randomBytes } from 'node:crypto';
import type { Services } from '../../src/services.js';
import { createSession, createUser, SESSION_COOKIE, type Role } from '../../src/auth/index.js';

export interface TestUser {
  username: string;
  password: string;
  role: Role;
  /** Headers for supertest: the session cookie and the CSRF header (state changes need both). */
  headers: { Cookie: string; 'x-csrf-token': string };
  cookie: string;
  csrf: string;
  /** `Authorization: Basic ...` for /api/v1 (no CSRF needed). */
  basic: string;
}

/** Creates a user with `role` and a signed-in session, without going through the login form. */
export async function signIn(services: Services, role: Role = 'operator'): Promise<TestUser> {
  const username = `${role}-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  await createUser(services, { username, password, role }, 'test');
  const session = await createSession(services, { username, role });
  const cookie = `${SESSION_COOKIE}=${session.id}`;
  return {
    username,
    password,
    role,
    cookie,
    csrf: session.data.csrf,
    headers: { Cookie: cookie, 'x-csrf-token': session.data.csrf },
    basic: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
  };
}
