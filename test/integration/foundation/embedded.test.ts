import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedCouch } from '../../../src/embedded/index.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the embedded CouchDB keeps its data across restarts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dms-embedded-'));
  const first = await startEmbeddedCouch(dir);
  await fetch(`${first.url}persisted`, { method: 'PUT' });
  await fetch(`${first.url}persisted/doc`, { method: 'PUT', body: '{"kept":true}', headers: { 'content-type': 'application/json' } });
  await first.stop();
  const second = await startEmbeddedCouch(dir);
  try {
    assert.deepEqual(((await (await fetch(`${second.url}persisted/doc`)).json()) as { kept: boolean }).kept, true);
  } finally {
    await second.stop();
  }
});

test('a pouchdb-server left running by a killed DMS is stopped before the next start, so its data folder opens', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dms-embedded-'));
  // As if DMS had been killed with SIGKILL: its pouchdb-server is still running, holding the LevelDB locks.
  const bin = createRequire(import.meta.url).resolve('pouchdb-server/bin/pouchdb-server');
  const couchDir = join(dir, 'couch');
  await mkdir(couchDir, { recursive: true });
  const leftover = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', '0', '-n', '--dir', couchDir, '--config', join(couchDir, 'config.json')], { cwd: couchDir, stdio: 'ignore', detached: true });
  await writeFile(join(couchDir, 'server.pid'), String(leftover.pid));
  await sleep(1500);
  assert.ok(alive(leftover.pid!), 'the leftover is running');

  const second = await startEmbeddedCouch(dir);
  try {
    assert.equal(alive(leftover.pid!), false, 'the leftover pouchdb-server was stopped');
    assert.equal((await fetch(`${second.url}after-restart`, { method: 'PUT' })).status, 201, 'the new server writes to the folder');
    assert.notEqual(Number(await readFile(join(couchDir, 'server.pid'), 'utf8')), leftover.pid);
  } finally {
    await second.stop();
    if (alive(leftover.pid!)) process.kill(leftover.pid!, 'SIGKILL');
  }
});

test('a DMS that exits without stopping its services takes the supervised children with it', async () => {
  // A process that supervises a long-running child and then exits at once, as a shutdown that timed out does.
  const script = `
    import { superviseChild } from './src/embedded/child-service.ts';
    const service = await superviseChild({ name: 'sleeper', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], ready: async () => true });
    process.stdout.write(String(service.pid));
    process.exit(3);`;
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((resolve) => parent.once('exit', resolve));
  assert.equal(code, 3);
  const childPid = Number(out);
  assert.ok(childPid > 0, `the parent printed its child's pid: "${out}"`);
  for (let i = 0; i < 50 && alive(childPid); i++) await sleep(100);
  assert.equal(alive(childPid), false, 'the supervised child is gone');
});
