import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedCouch } from '../../../src/embedded/index.js';
import { startCouchProcess, type CouchProcess } from '../../support/couch-process.js';

// The embedded server's hooks cache each database's security object and the anonymous session. What a client sees must
// not change: every step below runs against the embedded server and against a pouchdb-server without the hooks, and
// both must answer alike, also after the cached things change through the HTTP API.

interface Answer {
  status: number;
  body: unknown;
}

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;

function caller(base: string): Call {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    const response = await fetch(new URL(path, base), init);
    return { status: response.status, body: await response.json() };
  };
}

let embedded: { url: string; stop(): Promise<void> };
let plain: CouchProcess;

before(async () => {
  embedded = await startEmbeddedCouch(await mkdtemp(join(tmpdir(), 'dms-couch-hooks-')));
  plain = await startCouchProcess();
});

after(async () => {
  await embedded.stop();
  await plain.kill();
});

/** Runs `steps` against both servers; returns the embedded server's answers after checking the plain one's match. */
async function onBoth(steps: (call: Call) => Promise<Answer[]>): Promise<Answer[]> {
  const withHooks = await steps(caller(embedded.url));
  const withoutHooks = await steps(caller(plain.url));
  assert.deepEqual(withHooks, withoutHooks);
  return withHooks;
}

const editors = { admins: { names: [], roles: [] }, members: { names: ['ann'], roles: ['editors'] } };
const readers = { admins: { names: ['bob'], roles: [] }, members: { names: [], roles: ['readers'] } };

test('a database security object read after each way of changing it is the new one', async () => {
  const answers = await onBoth(async (call) => {
    const seen: Answer[] = [];
    const security = async () => seen.push(await call('GET', '/secured/_security'));
    await call('PUT', '/secured');
    await security();
    seen.push(await call('PUT', '/secured/_security', editors));
    await security();
    const local = (await call('GET', '/secured/_local/_security')).body as { _rev: string };
    seen.push(await call('PUT', '/secured/_local/_security', { _rev: local._rev, security: readers }));
    await security();
    seen.push(await call('DELETE', `/secured/_local/_security?rev=${encodeURIComponent('0-2')}`));
    await security();
    seen.push(await call('POST', '/secured/_bulk_docs', { docs: [{ _id: '_local/_security', security: editors }] }));
    await security();
    seen.push(await call('DELETE', '/secured'));
    seen.push(await call('PUT', '/secured'));
    await security();
    return seen;
  });
  const securities = answers.filter((a) => a.status === 200 && !('ok' in (a.body as object)) && !Array.isArray(a.body));
  assert.deepEqual(securities.map((a) => a.body), [{}, editors, readers, {}, editors, {}]);
});

test('the security object each database answers is its own, and a copy', async () => {
  await onBoth(async (call) => {
    await call('PUT', '/first');
    await call('PUT', '/second');
    await call('PUT', '/first/_security', readers);
    const seen: Answer[] = [];
    for (const db of ['first', 'second', 'first']) seen.push(await call('GET', `/${db}/_security`));
    await call('DELETE', '/first');
    await call('DELETE', '/second');
    return seen;
  });
});

test('the session without credentials follows the server admins, and credentials still log in', async () => {
  const session = (call: Call, headers?: Record<string, string>) => call('GET', '/_session', undefined, headers);
  const answers = await onBoth(async (call) => {
    // Twice each time: the first of a new `_users` PouchDB object learns its name, the second is answered from it.
    const twice = async () => [await session(call), await session(call)];
    const basic = { authorization: `Basic ${Buffer.from('bob:secret').toString('base64')}` };
    const seen = await twice();
    await call('PUT', '/_config/admins/bob', 'secret');
    seen.push(...(await twice()), await session(call, basic));
    seen.push(await call('DELETE', '/_users', undefined, basic), ...(await twice()));
    // Its answer is the admin's salted hash, random on each server: only its status is compared.
    const removed = await call('DELETE', '/_config/admins/bob', undefined, basic);
    seen.push({ status: removed.status, body: {} }, ...(await twice()));
    return seen;
  });
  const sessions = answers.map((a) => a.body as { userCtx?: { roles: string[] } }).filter((body) => body.userCtx);
  const roles = sessions.map((body) => body.userCtx?.roles);
  assert.deepEqual(roles, [['_admin'], ['_admin'], [], [], ['_admin'], [], [], ['_admin'], ['_admin']]);
});

test('a security object written while it is being read is the one read after the write', async () => {
  const call = caller(embedded.url);
  await call('PUT', '/raced');
  let writing = true;
  // Readers keep the security object being read (and cached) while it is written.
  const reader = async () => {
    while (writing) await call('GET', '/raced/_security');
  };
  const readers = Array.from({ length: 6 }, reader);
  try {
    for (let round = 0; round < 50; round++) {
      const security = { admins: { names: [], roles: [] }, members: { names: [`member-${round}`], roles: [] } };
      assert.equal((await call('PUT', '/raced/_security', security)).status, 200);
      assert.deepEqual((await call('GET', '/raced/_security')).body, security, `round ${round}`);
    }
  } finally {
    writing = false;
    await Promise.all(readers);
  }
});
