// Runs the test tiers with node's own test runner (through tsx for TypeScript).
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...] [-- extra test files]; no tier runs all three.
// Integration tests need Redis (REDIS_URL, default 127.0.0.1:6379) and a CouchDB-compatible server:
// when COUCHDB_URL is unset, an in-memory pouchdb-server is started here for the whole run. Either way the tests reach
// it through a front that refuses what Cloudant refuses (1 MB documents, 10 MB attachments and request bodies:
// src/embedded/cloudant-limits-proxy.ts), so code that would fail on Cloudant fails here.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const tiers = args.filter((a) => ['unit', 'integration', 'e2e'].includes(a));
const explicitFiles = args.filter((a) => a.endsWith('.ts'));
const selected = tiers.length > 0 || explicitFiles.length > 0 ? tiers : ['unit', 'integration', 'e2e'];

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startCouch() {
  const bin = createRequire(import.meta.url).resolve('pouchdb-server/bin/pouchdb-server');
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), 'dms-test-couch-'));
  const child = spawn(process.execPath, [bin, '--in-memory', '--host', '127.0.0.1', '--port', String(port), '-n'], { cwd, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return { child, url };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the test CouchDB-compatible server (pouchdb-server) did not start');
}

const files = [...selected.flatMap((tier) => testFiles(join('test', tier))).sort(), ...explicitFiles];
if (files.length === 0) {
  console.error(`no test files under test/${selected.join(', test/')}`);
  process.exit(1);
}
const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };
env.REDIS_URL ??= 'redis://127.0.0.1:6379';
let couch;
let limitsProxy;
if (files.some((f) => !f.includes(`${join('test', 'unit')}`))) {
  if (!env.COUCHDB_URL) {
    couch = await startCouch();
    env.COUCHDB_URL = couch.url;
  }
  const { tsImport } = await import('tsx/esm/api');
  const { startCloudantLimitsProxy } = await tsImport('../src/embedded/cloudant-limits-proxy.ts', import.meta.url);
  limitsProxy = await startCloudantLimitsProxy(env.COUCHDB_URL);
  // Built once here, before the files run side by side: two of them building the stale `dms` at once tore its modules
  // under a third that ran it ("does not provide an export named ...").
  const { ensureBuiltCli } = await tsImport('../test/support/cli.ts', import.meta.url);
  ensureBuiltCli();
  console.log(`# test CouchDB-compatible server at ${env.COUCHDB_URL}, with Cloudant's limits at ${limitsProxy.url}`);
  env.COUCHDB_URL = limitsProxy.url;
}
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit', env },
);
child.on('exit', (code, signal) => {
  couch?.child.kill('SIGTERM');
  if (limitsProxy && Object.values(limitsProxy.refused).some((n) => n > 0)) {
    console.log(`# Cloudant's limits refused: ${JSON.stringify(limitsProxy.refused)}`);
  }
  process.exit(signal ? 1 : code ?? 1);
});
