import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort, superviseChild, type ChildService } from './child-service.js';
import { couchServerHooks } from './couch-hooks.js';

export class MissingCouchServerError extends Error {
  constructor() {
    super(
      'COUCHDB_URL is not set and the embedded CouchDB-compatible server (pouchdb-server) is not installed.\n' +
        '  Run `npm install` (it is an optional dependency), or set COUCHDB_URL to a CouchDB/Cloudant you run.',
    );
    this.name = 'MissingCouchServerError';
  }
}

function pouchServerBin(): string {
  try {
    return createRequire(import.meta.url).resolve('pouchdb-server/bin/pouchdb-server');
  } catch {
    throw new MissingCouchServerError();
  }
}

/**
 * V8's heap limit for the on-disk server: it keeps nothing large, but with the default limit its heap grows with the
 * volume written (277 MB after 600 MB of parts, 197 MB with this limit). In memory, the heap holds the data: no limit.
 */
const DISK_HEAP_MB = 96;

/**
 * Runs pouchdb-server (LevelDB under dataDir/couch, or in memory) as a supervised child on loopback.
 * It stays a separate process: one bad request can kill it, and then it is restarted.
 */
export async function startEmbeddedCouch(dataDir: string | 'memory'): Promise<ChildService & { url: string }> {
  const bin = pouchServerBin();
  const port = await freePort();
  const dir = dataDir === 'memory' ? undefined : join(dataDir, 'couch');
  const nodeArgs = [...(dir ? [`--max-old-space-size=${DISK_HEAP_MB}`] : []), '--import', couchServerHooks(bin)];
  // `-n`: no copy of the log on stdout. Its long form, --no-stdout-logs, reads as "stdout-logs off" to pouchdb-server's
  // argument parser and leaves it on: the server then tails its own log file and prints every request's line.
  const args = [...nodeArgs, bin, '--host', '127.0.0.1', '--port', String(port), '-n', '--no-color'];
  let cwd: string | undefined;
  if (dir) {
    await mkdir(dir, { recursive: true });
    const configPath = join(dir, 'config.json');
    await writeFile(configPath, JSON.stringify({ log: { file: join(dir, 'log.txt') } }), { flag: 'w' });
    args.push('--dir', dir, '--config', configPath);
    cwd = dir;
  } else {
    // pouchdb-server writes its config.json and log.txt to its working folder.
    cwd = await mkdtemp(join(tmpdir(), 'dms-couch-'));
    args.push('--in-memory');
  }
  const url = `http://127.0.0.1:${port}/`;
  const service = await superviseChild({
    name: 'pouchdb-server',
    command: process.execPath,
    args,
    cwd,
    ready: async () => (await fetch(url)).ok,
    pidFile: dir ? join(dir, 'server.pid') : undefined,
    readyTimeoutMs: 30_000,
  });
  return Object.assign(service, { url });
}
