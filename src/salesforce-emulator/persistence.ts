import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Row } from './data/table.js';
import type { EmulatorState } from './state.js';

/** Records serialised per write to the JSON lines file. */
const BATCH = 5000;
const Meta = z.object({ sequence: z.number().int(), salt: z.string() });
/** Access tokens (with their expiry) and refresh tokens, so clients stay logged in across a restart. */
const SavedSessions = z.object({
  sessions: z.array(z.object({ token: z.string(), userId: z.string(), username: z.string(), expiresAt: z.number() })),
  refreshTokens: z.array(z.object({ token: z.string(), username: z.string() })),
});

async function saveSessions(state: EmulatorState, dir: string): Promise<void> {
  state.sessionsChanged = false;
  const now = Date.now();
  const body: z.infer<typeof SavedSessions> = {
    sessions: [...state.sessions].filter(([, s]) => !s.expired && s.expiresAt > now)
      .map(([token, s]) => ({ token, userId: s.userId, username: s.username, expiresAt: s.expiresAt })),
    refreshTokens: [...state.refreshTokens].map(([token, username]) => ({ token, username })),
  };
  const path = join(dir, 'sessions.json');
  await writeFile(`${path}.tmp`, JSON.stringify(body));
  await rename(`${path}.tmp`, path);
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

/**
 * Writes every object's records as JSON lines (`<Object>.jsonl`), meta.json and sessions.json, each via a
 * temp file and rename.
 */
export async function saveState(state: EmulatorState, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  state.store.dirty = false;
  for (const table of state.store.allTables()) {
    const path = join(dir, `${table.schema.name}.jsonl`);
    const out = createWriteStream(`${path}.tmp`);
    const used = table.usedFields();
    const lines: string[] = [];
    const write = async () => {
      if (!out.write(lines.join(''))) await once(out, 'drain');
      lines.length = 0;
    };
    for (const rows of table.batches(BATCH)) {
      for (const row of rows) {
        const record: Record<string, unknown> = {};
        for (const fi of used) {
          const value = table.get(row, fi);
          if (value !== null) record[table.schema.fields[fi].name] = value;
        }
        lines.push(`${JSON.stringify(record)}\n`);
      }
      await write();
    }
    out.end();
    await once(out, 'finish');
    await rename(`${path}.tmp`, path);
  }
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ sequence: state.store.sequence, salt: state.store.salt }));
  await saveSessions(state, dir);
}

/** Loads what saveState wrote; a missing folder or file is an empty org. */
export async function loadState(state: EmulatorState, dir: string): Promise<void> {
  await loadSessions(state, dir);
  let metaText: string;
  try {
    metaText = await readFile(join(dir, 'meta.json'), 'utf8');
  } catch {
    return;
  }
  const meta = Meta.parse(JSON.parse(metaText));
  state.store.sequence = meta.sequence;
  state.store.salt = meta.salt;
  for (const table of state.store.allTables()) {
    const stream = createReadStream(join(dir, `${table.schema.name}.jsonl`), 'utf8');
    const loaded = new Promise<void>((resolve, reject) => {
      stream.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve() : reject(error)));
      stream.on('close', resolve);
    });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    const isDeleted = table.schema.byLower.get('isdeleted');
    try {
      for await (const line of lines) {
        if (!line) continue;
        const record = JSON.parse(line) as Record<string, string | number | boolean>;
        const row: Row = [];
        for (const [name, value] of Object.entries(record)) {
          const fi = table.schema.byLower.get(name.toLowerCase());
          if (fi !== undefined) table.set(row, fi, value);
        }
        const deleted = isDeleted !== undefined && table.get(row, isDeleted) === true;
        table.put(String(record.Id), row, undefined, deleted);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await loaded;
  }
}
