import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connectTestServices } from '../../support/services.js';
import { DATABASES, SCHEMA_VERSION, IamTokenSource } from '../../../src/store/index.js';
import { createCouchClient } from '../../../src/store/couch.js';

type Services = Awaited<ReturnType<typeof connectTestServices>>;

describe('store: databases, indexes, schema version', () => {
  const opened: Services[] = [];
  after(async () => {
    for (const s of opened) await s.cleanup();
  });

  test('boot creates every database with its Mango indexes and a schema version document', async () => {
    const services = await connectTestServices();
    opened.push(services);
    const dbs = await services.store.client.server.db.list();
    for (const name of Object.keys(DATABASES)) assert.ok(dbs.includes(`${services.store.prefix}${name}`), `missing database ${name}`);
    const indexes = await services.store.client.server.request({ db: `${services.store.prefix}migrations`, path: '_index' });
    const names = (indexes as { indexes: { name: string }[] }).indexes.map((i) => i.name);
    assert.ok(names.includes('by-kind-created') && names.includes('by-migration-batch'), names.join(','));
    const schema = (await services.store.db('meta').get('schema')) as unknown as { version: number };
    assert.equal(schema.version, SCHEMA_VERSION);
  });

  test('running the schema step again (a second process booting) changes nothing and fails nothing', async () => {
    const services = await connectTestServices();
    opened.push(services);
    const before = await services.store.db('meta').get('schema');
    await Promise.all([services.store.ensureSchema(), services.store.ensureSchema()]);
    const after = await services.store.db('meta').get('schema');
    assert.equal(after._rev, before._rev);
  });

  test('a Mango query uses an index and pages with an explicit limit', async () => {
    const services = await connectTestServices();
    opened.push(services);
    const db = services.store.db<{ kind: string; createdAt: string }>('migrations');
    await db.bulk({ docs: Array.from({ length: 30 }, (_, i) => ({ _id: `m${i}`, kind: 'migration', createdAt: `2026-01-${String(i + 1).padStart(2, '0')}` })) });
    const page = await db.find({ selector: { kind: 'migration', createdAt: { $gt: '2026-01-10' } }, sort: [{ kind: 'desc' }, { createdAt: 'desc' }], limit: 5, use_index: 'by-kind-created' });
    assert.deepEqual(page.docs.map((d) => d.createdAt), ['2026-01-30', '2026-01-29', '2026-01-28', '2026-01-27', '2026-01-26']);
  });
});

describe('Cloudant IAM bearer tokens', () => {
  test('exchanged once, shared by concurrent callers, sent as Authorization: Bearer', async () => {
    let exchanges = 0;
    const seen: string[] = [];
    const server = createServer((req, res) => {
      if (req.url === '/identity/token') {
        exchanges++;
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          assert.match(body, /grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey/);
          assert.match(body, /apikey=the-key/);
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ access_token: `token-${exchanges}`, expires_in: 3600 }));
        });
        return;
      }
      seen.push(req.headers.authorization ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ couchdb: 'Welcome', version: '3.5.2' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const tokens = new IamTokenSource('the-key', `http://127.0.0.1:${port}/identity/token`);
      const all = await Promise.all([tokens.bearer(), tokens.bearer(), tokens.bearer()]);
      assert.deepEqual(all, ['token-1', 'token-1', 'token-1']);
      assert.equal(exchanges, 1);

      const client = createCouchClient({ url: `http://127.0.0.1:${port}/`, iamApiKey: 'the-key', source: 'COUCHDB_URL' }, `http://127.0.0.1:${port}/identity/token`);
      await client.authorize();
      await client.server.info();
      assert.equal(seen.at(-1), 'Bearer token-2');
    } finally {
      server.close();
    }
  });
});
