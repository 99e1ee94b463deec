import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/embedded/index.js';

/** A pouchdb-server a test owns: on disk (its data outlives a kill), on one port across restarts. */
export interface CouchProcess {
  url: string;
  /** SIGKILL, as a crashed or OOM-killed server; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder; resolves once it answers. */
  start(): Promise<void>;
}

export async function startCouchProcess(): Promise<CouchProcess> {
  const bin = createRequire(import.meta.url).resolve('pouchdb-server/bin/pouchdb-server');
  const dir = await mkdtemp(join(tmpdir(), 'dms-test-couch-process-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = [bin, '--host', '127.0.0.1', '--port', String(port), '--dir', dir, '--config', join(dir, 'config.json'), '-n'];
    child = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore' });
    for (let i = 0; i < 300; i++) {
      if (await fetch(url).then((r) => r.ok, () => false)) return;
      await sleep(100);
    }
    throw new Error('the test pouchdb-server did not start');
  };
  await start();
  return {
    url,
    start,
    async kill() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const gone = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await gone;
    },
  };
}
