import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { connectTestServices } from '../../support/services.js';
import { envFor } from '../../support/worker-process.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { GENESIS_HASH, chainId, entryHash, recordAudit, verifyAuditChain, type AuditDoc } from '../../../src/audit/index.js';

type TestServices = Awaited<ReturnType<typeof connectTestServices>>;
type Stored = AuditDoc & Record<string, unknown>;

/** What someone with the database's admin password could do: drop the append-only guard, then edit or delete. */
async function dropGuard(services: TestServices): Promise<void> {
  const db = services.store.db<Stored>('audit');
  const guard = await db.get('_design/append-only');
  await db.destroy(guard._id, String(guard._rev));
}

function runWriter(services: TestServices, actor: string, count: number): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/audit/chain-writer.ts', actor, String(count)], {
    env: envFor(services.config, { LOG_LEVEL: 'silent' }), stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => child.once('exit', resolve));
}

const write = (services: TestServices, actor: string, id: string) =>
  recordAudit(services, { actor, action: 'template.save', target: { type: 'template', id }, details: { version: 1 } });

describe('tamper-evident audit chain', () => {
  let services: TestServices;
  let admin: TestUser;
  let operator: TestUser;
  before(async () => {
    services = await connectTestServices();
    [admin, operator] = await Promise.all([signIn(services, 'admin'), signIn(services, 'operator')]);
  });
  after(() => services.cleanup());

  test('each entry carries the SHA-256 of its content and of the entry before it', async () => {
    const first = await write(services, 'ann', 't1');
    const second = await write(services, 'ann', 't2');
    assert.equal(first.seq, 1);
    assert.equal(first.prevHash, GENESIS_HASH);
    assert.equal(second.seq, 2);
    assert.equal(second.prevHash, first.hash);
    const stored = await services.store.db<Stored>('audit').get(chainId(2));
    assert.equal(entryHash(stored), stored.hash);
    // Entries written before the chain existed (ids by time, no hash) are counted apart, not checked.
    await services.store.db('audit').bulk({ docs: ['audit:2026-01-01T00:00:00.000Z-a1', 'audit:2026-01-02T00:00:00.000Z-b2'].map((_id) => ({ _id, kind: 'audit', actor: 'old', action: 'template.save' })) });
    const report = await request(createApp(services)).get('/api/v1/audit/verify').set(admin.headers).expect(200);
    assert.equal(report.body.ok, true);
    assert.equal(report.body.checked, 2);
    assert.equal(report.body.unchained, 2);
    await request(createApp(services)).get('/api/v1/audit/verify').set(operator.headers).expect(403);
  });

  test('concurrent writers in three processes keep one valid chain', async () => {
    const before = (await verifyAuditChain(services)).checked;
    const writes = Array.from({ length: 20 }, (_, i) => write(services, 'here', `c${i}`));
    const codes = await Promise.all([runWriter(services, 'left', 25), runWriter(services, 'right', 25), ...writes]);
    assert.deepEqual(codes.slice(0, 2), [0, 0]);
    const report = await verifyAuditChain(services);
    assert.equal(report.ok, true, report.firstBreak?.message);
    assert.equal(report.checked, before + 70);
    assert.equal(report.head?.seq, before + 70);
  });

  test('the export streams every entry as NDJSON, in chain order', async () => {
    const res = await request(createApp(services)).get('/api/v1/audit/export').set(admin.headers).expect(200);
    assert.match(String(res.headers['content-type']), /application\/x-ndjson/);
    const [legacy, chained] = [[], []] as Stored[][];
    for (const line of res.text.trim().split('\n').map((l) => JSON.parse(l) as Stored)) (chained.length === 0 && line.seq === undefined ? legacy : chained).push(line);
    assert.deepEqual(legacy.map((l) => l._id), ['audit:2026-01-01T00:00:00.000Z-a1', 'audit:2026-01-02T00:00:00.000Z-b2'], 'the entries from before the chain come first');
    assert.deepEqual(chained.map((l) => l.seq), chained.map((_, i) => i + 1));
    assert.ok(chained.every((l) => l._rev === undefined && entryHash(l) === l.hash));
    assert.ok(chained.length >= 72);
  });

  test('a forged entry, a deleted entry and deleted last entries are named by verify', async () => {
    const base = (await verifyAuditChain(services)).checked;
    for (const id of ['f1', 'f2', 'f3', 'f4', 'f5']) await write(services, 'fay', id);
    await dropGuard(services);
    const db = services.store.db<Stored>('audit');

    const forged = await db.get(chainId(base + 2));
    await db.insert({ ...forged, actor: 'mallory' });
    const page = await request(createApp(services)).get('/admin/audit?verify=1').set('Cookie', admin.cookie).expect(200);
    assert.match(page.text, new RegExp(`The chain is broken at entry ${base + 2} \\(${base + 1} entries before it match\\)`));
    assert.match(page.text, new RegExp(`Entry ${base + 2} was changed after it was written:`));
    const api = await request(createApp(services)).get('/api/v1/audit/verify').set(admin.headers).expect(200);
    assert.equal(api.body.ok, false);
    assert.deepEqual({ ...api.body.firstBreak, message: undefined, expected: undefined }, {
      problem: 'content', id: chainId(base + 2), seq: base + 2, at: forged.at, found: forged.hash, message: undefined, expected: undefined,
    });
    // Recomputing the forged entry's own hash only moves the break to the link of the next entry.
    const refreshed = await db.get(chainId(base + 2));
    await db.insert({ ...refreshed, hash: entryHash(refreshed) });
    const relinked = await verifyAuditChain(services);
    assert.equal(relinked.firstBreak?.problem, 'link');
    assert.equal(relinked.firstBreak?.seq, base + 3);

    const restored = await db.get(chainId(base + 2));
    await db.insert({ ...restored, actor: 'fay', hash: forged.hash });
    assert.equal((await verifyAuditChain(services)).ok, true);

    const gone = await db.get(chainId(base + 4));
    await db.destroy(gone._id, String(gone._rev));
    const missing = await verifyAuditChain(services);
    assert.deepEqual([missing.firstBreak?.problem, missing.firstBreak?.seq, missing.checked], ['missing', base + 4, base + 3]);

    const last = await db.get(chainId(base + 5));
    await db.destroy(last._id, String(last._rev));
    const truncated = await verifyAuditChain(services);
    assert.equal(truncated.firstBreak?.seq, base + 4);
    assert.match(truncated.firstBreak?.message ?? '', /Entry .* missing|Entries .* missing/);
  });
});
