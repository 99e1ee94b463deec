import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createRequestListener } from '../../../src/app.js';
import { createToken } from '../../../src/auth/index.js';
import { ensureBuiltCli, runCli } from '../../support/cli.js';
import {
  REDIS_URL, fillStream, newRedis, readStream, startTransferHarness, streamNames, waitForTransfer, type TransferHarness,
} from '../transfers/support.js';

describe('dms transfers: the client against a running DMS', () => {
  let h: TransferHarness;
  let server: Server;
  let redis: Redis;
  let home: string;
  let env: Record<string, string>;
  const names = streamNames();
  const stream = names.name;

  before(async () => {
    ensureBuiltCli();
    h = await startTransferHarness();
    redis = newRedis();
    server = createServer(createRequestListener(h.services));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { token } = await createToken(h.services, h.user.username, { name: 'cli transfers', scope: 'operate' });
    home = await mkdtemp(join(tmpdir(), 'dms-cli-transfers-'));
    env = { DMS_URL: url, DMS_TOKEN: token };
  });
  after(async () => {
    await names.drop(redis);
    redis.disconnect();
    await new Promise((resolve) => server.close(resolve));
    await h.close();
    await rm(home, { recursive: true, force: true });
  });

  const dms = (...args: string[]) => runCli(args, { home, env });

  test('start from flags --wait --json moves a stream into a stream (0); list and status show it', async () => {
    const source = stream('cli-in');
    const target = stream('cli-out');
    await fillStream(redis, source, Array.from({ length: 120 }, (_, i) => ({ n: String(i) })));
    const run = await dms(
      'transfers', 'start', '--source', 'redis-stream', '--source-url', REDIS_URL, '--source-set', `stream=${source}`,
      '--target', 'redis-stream', '--target-set', `stream=${target}`, '--batch-size', '50', '--name', 'cli flags', '--wait', '--json',
    );
    assert.equal(run.code, 0, run.stderr);
    const done = JSON.parse(run.stdout);
    assert.deepEqual([done.status, done.counts.recordsOut, done.name], ['completed', 120, 'cli flags']);
    assert.equal((await readStream(redis, target)).length, 120);

    const list = await dms('transfers', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${done.id}\\tcompleted\\tredis-stream -> redis-stream\\t120/120 moved, 0 dead letters\\tcli flags$`, 'm'));
    const status = await dms('transfers', 'status', 'cli flags');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^${done.id}\\tcompleted`));
  });

  test('start from a JSON file: dead letters exit 1, are listed a page at a time and retried by page, then all', async () => {
    const source = stream('cli-poison');
    const target = stream('cli-fixed');
    const records = [1, 2, 3, 4, 5, 6].map((n) => ({ key: `K-${n}`, size: n % 3 === 0 ? String(n) : `lots-${n}` }));
    await fillStream(redis, source, records);
    const file = join(home, 'transfer.json');
    await writeFile(file, JSON.stringify({
      name: 'cli poison', source: { kind: 'redis-stream', url: REDIS_URL, stream: source },
      target: { kind: 'redis-stream', stream: target }, pipeline: [{ op: 'cast', columns: ['size'], to: 'integer' }],
    }));
    const run = await dms('transfers', 'start', file, '--wait');
    assert.equal(run.code, 1, `completed with dead letters: ${run.stderr}`);
    assert.match(run.stdout, /\tcompleted\t.*2\/6 moved, 4 dead letters\tcli poison$/m);
    assert.match(run.stderr, /transfer .* started: cli poison/);
    const id = run.stdout.split('\t')[0];

    const first = await dms('transfers', 'dead-letters', id, '--page-size', '2');
    assert.equal(first.code, 0, first.stderr);
    const keysOf = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line.split('\t')[4]).key as string);
    assert.deepEqual(keysOf(first.stdout).length, 2);
    assert.match(first.stdout, /^\S+\t[A-Z_]+\t1\tsize: /m);
    assert.match(first.stderr, /dead letters 1-2 of 4\nmore: --page 2/);
    const second = await dms('transfers', 'dead-letters', id, '--page', '2', '--page-size', '2', '--json');
    const page2 = JSON.parse(second.stdout);
    assert.deepEqual([page2.page, page2.hasNext, page2.deadLetters.length], [2, false, 2]);

    const fix = join(home, 'fix.json');
    await writeFile(fix, JSON.stringify([{ op: 'cast', columns: ['size'], to: 'integer', onInvalid: 'null' }]));
    const retried = await dms('transfers', 'dead-letters', id, '--page', '1', '--page-size', '2', '--retry', '--pipeline', fix);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, /^2 dead letters of transfer .* are being retried\.$/m);
    await waitForTransfer(h, id, (t) => t.counts.deadLetters === 2);
    const left = JSON.parse((await dms('transfers', 'dead-letters', id, '--json')).stdout);
    assert.deepEqual(left.deadLetters.map((l: { key: string }) => l.key), page2.deadLetters.map((l: { key: string }) => l.key));

    assert.equal((await dms('transfers', 'dead-letters', id, '--retry')).code, 0);
    const fixed = await waitForTransfer(h, id, (t) => t.counts.deadLetters === 0);
    assert.equal(fixed.counts.recordsOut, 6);
    assert.deepEqual((await readStream(redis, target)).map((r) => r.key).sort(), records.map((r) => r.key).sort());
    assert.equal((await dms('transfers', 'status', id)).code, 0, 'no dead letter left: all moved');
  });

  test('a continuous transfer: --wait refused (2), pause, resume, stop; a refused control exits 3', async () => {
    const source = stream('cli-cont-in');
    const common = ['--source', 'redis-stream', '--source-set', `stream=${source}`, '--target', 'redis-stream', '--target-set', `stream=${stream('cli-cont-out')}`];
    const started = await dms('transfers', 'start', ...common, '--continuous', '--json');
    assert.equal(started.code, 0, started.stderr);
    const { id, mode } = JSON.parse(started.stdout);
    assert.equal(mode, 'continuous');
    const wait = await dms('transfers', 'status', id, '--wait');
    assert.equal(wait.code, 2);
    assert.match(wait.stderr, /is continuous/);

    const paused = await dms('transfers', 'pause', id);
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stdout, new RegExp(`^${id}\\tpaused\\t`));
    assert.match((await dms('transfers', 'resume', id)).stdout, /\trunning\t/);
    assert.match((await dms('transfers', 'stop', id)).stdout, /\tstopped\t/);
    const again = await dms('transfers', 'stop', id);
    assert.equal(again.code, 3);
    assert.match(again.stderr, /409 TRANSFER_STATE: Transfer .* is stopped: it cannot be stopped\. \(request /);
    assert.equal((await dms('transfers', 'status', id)).code, 3, 'a stopped transfer did not complete');
  });

  test('usage errors exit 2, a refused request 3, a wait past --timeout 4', async () => {
    assert.equal((await dms('transfers')).code, 2);
    assert.equal((await dms('transfers', 'start', '--source', 'redis-stream')).code, 2, 'a target is needed');
    assert.equal((await dms('transfers', 'start', '--source', 'redis-stream', '--source-set', 'stream', '--target', 'redis-stream')).code, 2);
    assert.equal((await dms('transfers', 'start', join(home, 'missing.json'))).code, 2);
    const notJson = await runCli(['transfers', 'start', '-'], { home, env, stdin: '{ "source": ' });
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /- is not valid JSON/);
    const body = { source: { kind: 'redis-stream', stream: stream('cli-stdin') }, target: { kind: 'redis-stream', stream: stream('cli-stdin-out') } };
    const fromStdin = await runCli(['transfers', 'start', '-', '--wait', '--json'], { home, env, stdin: JSON.stringify(body) });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.equal(JSON.parse(fromStdin.stdout).status, 'completed', 'an empty source: done at once');

    const refused = await dms('transfers', 'start', '--source', 'redis-stream', '--source-set', 'stream=has space', '--target', 'redis-stream');
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /400 VALIDATION_FAILED: .*stream/);
    assert.equal((await dms('transfers', 'status', 'no such transfer')).code, 3);

    // The target is at its bound: the one-shot transfer waits for room, longer than the client does.
    const target = stream('cli-full');
    await fillStream(redis, target, [{ n: '0' }]);
    const source = stream('cli-blocked');
    await fillStream(redis, source, [{ n: '1' }]);
    const blocked = await dms(
      'transfers', 'start', '--source', 'redis-stream', '--source-set', `stream=${source}`, '--target', 'redis-stream',
      '--target-set', `stream=${target}`, '--bound', '1', '--wait', '--timeout', '2', '--json',
    );
    assert.equal(blocked.code, 4, blocked.stderr);
    assert.equal(blocked.stdout, '');
    // The one this client left waiting (found by its source: transfers started within one second list in any order).
    const transfers = (await h.get('/api/v1/transfers').expect(200)).body.transfers as { id: string; status: string; source: { stream?: string } }[];
    const waiting = transfers.find((t) => t.source.stream === source);
    assert.equal(waiting?.status, 'waiting', 'it waits for room');
    await h.post(`/api/v1/transfers/${waiting.id}/stop`).expect(200);
  });
});
