import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { loadClientEnvironment } from '../../config.js';
import { CliError, EXIT } from './exit.js';
import { say } from './say.js';

const SavedLogin = z.object({ url: z.string().url(), token: z.string().min(1), username: z.string().optional() });
export type SavedLogin = z.infer<typeof SavedLogin>;

export const settingsPath = (): string => join(loadClientEnvironment().configDir, 'config.json');

/** Saves the server and token readable by the user only (0600 in a 0700 folder): the token acts as them. */
export async function saveLogin(login: SavedLogin): Promise<string> {
  const path = settingsPath();
  const dir = loadClientEnvironment().configDir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(SavedLogin.parse(login), null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/** DMS_URL and DMS_TOKEN (CI) win over the saved login. */
export async function currentLogin(): Promise<SavedLogin> {
  const env = loadClientEnvironment();
  let saved: Partial<SavedLogin> = {};
  try {
    saved = SavedLogin.partial().parse(JSON.parse(await readFile(settingsPath(), 'utf8')));
  } catch {
    // no saved login
  }
  const url = env.url ?? saved.url;
  const token = env.token ?? saved.token;
  if (!url || !token) throw new CliError(EXIT.usage, say('cli.notLoggedIn'));
  return { url, token, username: saved.username };
}
