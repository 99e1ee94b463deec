import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Row } from './data/table.js';
import type { EmulatorState } from './state.js';

/** Access tokens (with their expiry) and refresh tokens, so clients stay logged in across a restart. */
const SavedSessions = z.object({
  sessions: z.array(z.object({ token: z.string(), userId: z.string(), username: z.string(), expiresAt: z.number() })),
  refreshTokens: z.array(z.object({ token: z.string(), username: z.string() })),
});

/** Writes a JSON file through a temp file and a rename, so a reader (or a restart) never sees half of it. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(value));
  await rename(`${path}.tmp`, path);
}

async function saveSessions(state: EmulatorState, dir: string): Promise<void> {
  state.sessionsChanged = false;
  const now = Date.now();
  const body: z.infer<typeof SavedSessions> = {
    sessions: [...state.sessions].filter(([, s]) => !s.expired && s.expiresAt > now)
      .map(([token, s]) => ({ token, userId: s.userId, username: s.username, expiresAt: s.expiresAt })),
    refreshTokens: [...state.refreshTokens].map(([token, username]) => ({ token, username })),
  };
  await writeJsonAtomic(join(dir, 'sessions.json'), body);
}

async function loadSessions(state: EmulatorState, dir: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(dir, 'sessions.json'), 'utf8');
  } catch {
    return;
  }
  const saved = SavedSessions.parse(JSON.parse(text));
  const now = Date.now();
  for (const { token, expiresAt, userId, username } of saved.sessions) {
    if (expiresAt > now) state.sessions.set(token, { userId, username, expiresAt, calls: 0, expired: false });
  }
  for (const { token, username } of saved.refreshTokens) state.refreshTokens.set(token, username);
}

/** meta.json: the id salt and sequence; format 2 = records in `<Object>.records` files (1: `<Object>.jsonl`). */
const Meta = z.object({ format: z.number().int().default(1), sequence: z.number().int(), salt: z.string() });
const FORMAT = 2;
/** Where the JSON lines files of a data folder in the old format go once their records are in record files. */
const MIGRATED = 'migrated-jsonl';

async function saveMeta(state: EmulatorState, dir: string): Promise<void> {
  const meta: z.infer<typeof Meta> = { format: FORMAT, sequence: state.store.sequence, salt: state.store.salt };
  await writeJsonAtomic(join(dir, 'meta.json'), meta);
}

/**
 * Saves what changed: the records are already in their record files (`<Object>.records`), so this writes their
 * buffered versions, meta.json (the id sequence) and sessions.json when sessions changed.
 */
export async function saveState(state: EmulatorState, dir: string): Promise<void> {
  state.store.flush();
  if (state.store.dirty) {
    state.store.dirty = false;
    await saveMeta(state, dir);
  }
  if (state.sessionsChanged) await saveSessions(state, dir);
}

/** Reads `<Object>.jsonl` files of the old format into the tables (whose record files then hold them). */
async function loadJsonLines(state: EmulatorState, dir: string): Promise<string[]> {
  const read: string[] = [];
  for (const table of state.store.allTables()) {
    const name = `${table.schema.name}.jsonl`;
    const stream = createReadStream(join(dir, name), 'utf8');
    const loaded = new Promise<boolean>((resolve, reject) => {
      stream.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
      stream.on('close', () => resolve(true));
    });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    const isDeleted = table.schema.byLower.get('isdeleted');
    try {
      for await (const line of lines) {
        if (!line) continue;
        const record = JSON.parse(line) as Record<string, string | number | boolean>;
        const row: Row = [];
        for (const [field, value] of Object.entries(record)) {
          const fi = table.schema.byLower.get(field.toLowerCase());
          if (fi !== undefined) table.set(row, fi, value);
        }
        const deleted = isDeleted !== undefined && table.get(row, isDeleted) === true;
        table.put(String(record.Id), row, undefined, deleted);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (await loaded) read.push(name);
  }
  return read;
}

/**
 * Loads a data folder: sessions, and meta.json (the records were replayed from their record files when the store
 * was made). The id sequence goes on after the highest id in the records, so ids written after the last save of
 * meta.json (a killed process) are never handed out again. A folder of the old format (`<Object>.jsonl`) is
 * migrated once: its records are written to record files and the JSON lines files moved to `migrated-jsonl/`.
 */
export async function loadState(state: EmulatorState, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await loadSessions(state, dir);
  const metaText = await readFile(join(dir, 'meta.json'), 'utf8').catch(() => null);
  const meta = metaText === null ? undefined : Meta.parse(JSON.parse(metaText));
  if (meta) state.store.salt = meta.salt;
  if (meta && meta.format < FORMAT) {
    const migrated = await loadJsonLines(state, dir);
    state.store.flush();
    await mkdir(join(dir, MIGRATED), { recursive: true });
    for (const name of migrated) await rename(join(dir, name), join(dir, MIGRATED, name));
  }
  state.store.sequence = Math.max(meta?.sequence ?? 0, state.store.highestSequence());
  await saveMeta(state, dir);
}
