import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { logger } from '../logger.js';

const cache = new Map<string, Buffer>();

/**
 * The key that seals connection secrets: SECRET_KEY when configured (required in production, see
 * config.ts). In development without it, a random key is kept in DATA_DIR/secret.key so secrets
 * survive restarts on this machine only.
 */
export function secretKey(config: Config): Buffer {
  if (config.secretKey) return config.secretKey;
  const path = join(config.dataDir, 'secret.key');
  const cached = cache.get(path);
  if (cached) return cached;
  try {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process (web or worker) created it first: everyone reads the one file below.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key: delete it or set SECRET_KEY`);
  logger('app').warn({ path }, 'SECRET_KEY is not set: connection secrets are sealed with a development key kept in this file; set SECRET_KEY in production');
  cache.set(path, key);
  return key;
}
