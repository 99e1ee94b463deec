import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { isConflict } from '../store/index.js';
import { AppError } from '../errors.js';
import { createUser, findUser, hasUsers } from './users.js';

const done = new WeakMap<Services, Promise<void>>();

/**
 * The first admin: DMS_ADMIN_USER/DMS_ADMIN_PASSWORD when set (created once, never overwritten).
 * In development with no users at all, an `admin` with a random password written to
 * DATA_DIR/initial-admin.txt, so `npm start` can be signed into at once.
 */
async function provision(services: Services): Promise<void> {
  const { initialAdmin, env, dataDir } = services.config;
  try {
    if (initialAdmin) {
      if (!(await findUser(services, initialAdmin.user))) await createUser(services, { username: initialAdmin.user, password: initialAdmin.password, role: 'admin' }, 'environment');
      return;
    }
    if (env !== 'development' || (await hasUsers(services))) return;
    const password = randomBytes(12).toString('base64url');
    await createUser(services, { username: 'admin', password, role: 'admin' }, 'first start');
    const path = join(dataDir, 'initial-admin.txt');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `user: admin\npassword: ${password}\n`, { mode: 0o600 });
    logger('app').warn({ path }, 'created the first admin user "admin"; its password is in this file (change it, or set DMS_ADMIN_USER/DMS_ADMIN_PASSWORD)');
  } catch (error) {
    // Two processes starting together: the other one created the user.
    if (error instanceof AppError && error.code === 'USER_EXISTS') return;
    if (isConflict(error)) return;
    throw error;
  }
}

export function ensureInitialAdmin(services: Services): Promise<void> {
  let ready = done.get(services);
  if (!ready) {
    ready = provision(services);
    ready.catch(() => done.delete(services));
    done.set(services, ready);
  }
  return ready;
}
