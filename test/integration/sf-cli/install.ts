// Installs the official Salesforce CLI (and a Node 22 to run it, since DMS runs on Node 20) once per machine,
// into a cache folder keyed by the pinned versions; later runs and parallel test files reuse it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SF_CLI_VERSION = '2.150.6';
export const NODE_VERSION = '22.23.5';

const STALE_LOCK_MS = 15 * 60_000;

export interface SfInstall {
  dir: string;
  node: string;
  run: string;
  /** Milliseconds the install took in this process (0 when the cache was ready). */
  installMs: number;
}

function cacheDir(): string {
  const base = process.env.DMS_SF_CLI_CACHE ?? join(tmpdir(), 'dms-sf-cli');
  return join(base, `sf-${SF_CLI_VERSION}-node-${NODE_VERSION}-${process.platform}-${process.arch}`);
}

function npmInstall(prefix: string, packages: string[]): Promise<void> {
  const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--loglevel=error', ...packages];
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm install ${packages.join(' ')} failed (${code}): ${stderr.slice(-2000)}`))));
  });
}

/** A Node 22 binary: this process's own when it is 22 or later, else the node-<platform>-<arch> package. */
function nodePackage(): string | null {
  if (Number(process.versions.node.split('.')[0]) >= 22) return null;
  return `node-${process.platform}-${process.arch}@${NODE_VERSION}`;
}

function layout(dir: string): { dir: string; node: string; run: string } {
  const modules = join(dir, 'node_modules');
  return {
    dir,
    node: nodePackage() ? join(modules, `node-${process.platform}-${process.arch}`, 'bin', 'node') : process.execPath,
    run: join(modules, '@salesforce', 'cli', 'bin', 'run.js'),
  };
}

/** Waits for another process's install (a lock folder) unless the lock is stale. */
async function waitForOther(lock: string, ready: string): Promise<boolean> {
  while (existsSync(lock)) {
    if (existsSync(ready)) return true;
    const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > STALE_LOCK_MS) {
      await rm(lock, { recursive: true, force: true });
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return existsSync(ready);
}

export async function ensureSfCli(): Promise<SfInstall> {
  const dir = cacheDir();
  if (existsSync(join(dir, 'ready'))) return { ...layout(dir), installMs: 0 };
  const lock = `${dir}.lock`;
  await mkdir(join(dir, '..'), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (await waitForOther(lock, join(dir, 'ready'))) return { ...layout(dir), installMs: 0 };
    }
  }
  const started = Date.now();
  try {
    const partial = `${dir}.partial`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    const node = nodePackage();
    await npmInstall(partial, [...(node ? [node] : []), `@salesforce/cli@${SF_CLI_VERSION}`]);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    await mkdir(join(dir, 'ready'));
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
  return { ...layout(dir), installMs: Date.now() - started };
}
