import { z } from 'zod';
import type { Services } from '../services.js';
import { AppError, notFound } from '../errors.js';
import { isConflict, isMissing, withRetry } from '../store/index.js';
import { Role, type AuthUser } from './roles.js';
import { hashPassword } from './password.js';

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._@-]{2,64}$/, 'A user name has 2-64 characters: letters, digits and . _ @ -');
export const NewPassword = z.string().min(10, 'A password has at least 10 characters').max(200);

export const UserDoc = z.object({
  _id: z.string().startsWith('user:'),
  _rev: z.string().optional(),
  kind: z.literal('user'),
  username: z.string(),
  role: Role,
  passwordHash: z.string(),
  disabled: z.boolean().default(false),
  /** May approve runs (and roll backs) against production orgs that someone else asked for. */
  approver: z.boolean().default(false),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
export type UserDoc = z.infer<typeof UserDoc>;

/** A user as the users API answers for a change. */
export type UserSummary = AuthUser & { approver: boolean };

const db = (services: Services) => services.store.db<UserDoc>('users');
const userId = (username: string) => `user:${username}`;

export async function findUser(services: Services, username: string): Promise<UserDoc | undefined> {
  const parsed = Username.safeParse(username);
  if (!parsed.success) return undefined;
  try {
    return UserDoc.parse(await withRetry(() => db(services).get(userId(parsed.data))));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function createUser(services: Services, input: { username: string; password: string; role: Role; approver?: boolean }, actor: string): Promise<UserSummary> {
  const username = Username.parse(input.username);
  const now = new Date().toISOString();
  const doc: UserDoc = {
    _id: userId(username),
    kind: 'user',
    username,
    role: Role.parse(input.role),
    passwordHash: await hashPassword(NewPassword.parse(input.password)),
    disabled: false,
    approver: input.approver ?? false,
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
  };
  try {
    await withRetry(() => db(services).insert(doc));
  } catch (error) {
    if (isConflict(error)) throw new AppError('USER_EXISTS', 409, `A user named ${username} already exists.`);
    throw error;
  }
  return { username, role: doc.role, approver: doc.approver };
}

export async function updateUser(
  services: Services,
  username: string,
  change: { role?: Role; password?: string; disabled?: boolean; approver?: boolean },
): Promise<UserSummary> {
  const doc = await findUser(services, username);
  if (!doc) throw notFound(`User ${username}`);
  const next: UserDoc = {
    ...doc,
    role: change.role ?? doc.role,
    disabled: change.disabled ?? doc.disabled,
    approver: change.approver ?? doc.approver,
    passwordHash: change.password === undefined ? doc.passwordHash : await hashPassword(NewPassword.parse(change.password)),
    updatedAt: new Date().toISOString(),
  };
  await withRetry(() => db(services).insert(next));
  return { username: next.username, role: next.role, approver: next.approver };
}

export async function listUsers(services: Services): Promise<Omit<UserDoc, 'passwordHash' | '_rev'>[]> {
  await services.store.client.authorize();
  const result = await withRetry(() =>
    db(services).find({ selector: { username: { $gt: null } }, sort: [{ username: 'asc' }], use_index: 'by-username', limit: 1000 }),
  );
  return result.docs.map((d) => {
    const { passwordHash: _hash, _rev, ...rest } = UserDoc.parse(d);
    return rest;
  });
}

export async function hasUsers(services: Services): Promise<boolean> {
  const result = await withRetry(() => db(services).find({ selector: { username: { $gt: null } }, use_index: 'by-username', fields: ['_id'], limit: 1 }));
  return result.docs.length > 0;
}
