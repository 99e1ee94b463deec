import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort, superviseChild, type ChildService } from './child-service.js';

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
 * Loaded into pouchdb-server before it starts. (1) PouchDB's `deterministic_revs: false`, which pouchdb-server has no
 * flag for. A deterministic revision is an MD5 over the whole document serialised as JSON, its attachment data
 * included (a binary attachment as a JSON array of numbers): that costs more than storing the document. A random
 * revision id is what CouchDB clients get from PouchDB before 7.0; nothing in DMS depends on revisions being equal
 * across servers. (2) A database's `disk_size` measured at most once a second: pouchdb-server's authentication
 * middleware asks the `_users` database for its info on every request, and pouchdb-size walks the folder (an lstat
 * per file) for each info; ~0.15 CPU seconds per 100 MB uploaded (bench/parse).
 */
function serverHooks(bin: string): string {
  const code = `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(bin)});
const PouchDB = require('pouchdb-core');
const defaults = PouchDB.defaults.bind(PouchDB);
PouchDB.defaults = (options) => defaults({ ...options, deterministic_revs: false });
const size = createRequire(require.resolve('express-pouchdb'))('pouchdb-size');
const measure = size.getDiskSize;
const recent = new Map();
size.getDiskSize = function (callback) {
  const key = (this.__opts && this.__opts.prefix || '') + this.name;
  const known = recent.get(key);
  if (!callback && known && Date.now() - known.at < 1000) return known.size;
  const sized = measure.call(this, callback);
  if (!callback) recent.set(key, { at: Date.now(), size: sized });
  return sized;
};`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
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
  const args = [...(dir ? [`--max-old-space-size=${DISK_HEAP_MB}`] : []), '--import', serverHooks(bin), bin, '--host', '127.0.0.1', '--port', String(port), '--no-stdout-logs', '--no-color'];
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
