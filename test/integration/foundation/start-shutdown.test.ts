import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuiltCli, BUILT_CLI } from '../../support/cli.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `npm start` in a terminal, then Ctrl+C: the signal reaches the whole process group at once. */
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`dms start stopped by ${signal} to its process group restarts nothing and ends within 5 s`, async () => {
    ensureBuiltCli();
    const dataDir = await mkdtemp(join(tmpdir(), 'dms-start-'));
    const env = { PATH: process.env.PATH ?? '', HOME: dataDir, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'development' };
    const child = spawn(process.execPath, [BUILT_CLI, 'start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!output.includes('DMS is running at')) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `dms start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids = await Promise.all(['redis', 'couch'].map(async (dir) => Number(await readFile(join(dataDir, dir, 'server.pid'), 'utf8'))));
    assert.ok(pids.every((pid) => alive(pid)), 'the embedded Redis and CouchDB run');
    const started = Date.now();
    process.kill(-(child.pid as number), signal);
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    if (code === 'hung') process.kill(-(child.pid as number), 'SIGKILL');
    const took = Date.now() - started;
    const after = output.slice(output.indexOf('shutting down'));
    assert.equal(code, 0, `exit code ${code} after ${took} ms:\n${after.slice(0, 3000)}`);
    assert.ok(took < 5000, `stopping took ${took} ms`);
    assert.doesNotMatch(after, /restarting|ECONNREFUSED|took too long/, after.slice(0, 3000));
    for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} is gone`);
    await rm(dataDir, { recursive: true, force: true });
  });
}
