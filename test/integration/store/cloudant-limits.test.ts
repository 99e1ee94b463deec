import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { putAttachment } from '../../../src/store/index.js';
import { startCloudantLimitsProxy, type CloudantLimitsProxy } from '../../../src/embedded/cloudant-limits-proxy.js';
import { connectTestServices } from '../../support/services.js';

type Services = Awaited<ReturnType<typeof connectTestServices>>;

/** A document whose CouchDB size (its `text` field) is `bytes`. */
const docOfSize = (id: string, bytes: number) => ({ _id: id, text: 'x'.repeat(bytes - '{"text":""}'.length) });

describe("Cloudant's limits in front of the test server", () => {
  let services: Services;
  before(async () => {
    services = await connectTestServices();
  });
  after(() => services.cleanup());

  test('the tests\' store refuses what Cloudant refuses, with Cloudant\'s answers, and takes what fits', async () => {
    const db = services.store.db('meta');
    await db.insert(docOfSize('fits', 1_000_000));
    await assert.rejects(db.insert(docOfSize('over', 1_000_001)), { statusCode: 413, error: 'document_too_large', reason: 'over' });
    const overInBulk = { docs: [{ _id: 'ok' }, docOfSize('over-in-bulk', 1_000_001)] };
    await assert.rejects(db.bulk(overInBulk), { statusCode: 413, error: 'document_too_large', reason: 'over-in-bulk' });
    await assert.rejects(
      db.bulk({ docs: Array.from({ length: 11 }, (_, i) => docOfSize(`part-${i}`, 999_000)) }),
      { statusCode: 413, error: 'too_large', reason: 'the request entity is too large' },
    );
    const data = Buffer.alloc(7_400_000).toString('base64');
    const inline = { _id: 'inline', _attachments: { big: { content_type: 'application/octet-stream', data } } };
    await db.insert(inline as never);
    await assert.rejects(
      putAttachment(services.store, 'meta', 'raw', 'data', Buffer.alloc(10_000_001), 'application/octet-stream'),
      { statusCode: 413, error: 'too_large' },
    );
    await putAttachment(services.store, 'meta', 'raw', 'data', Buffer.alloc(9_999_000), 'application/octet-stream');
    assert.equal(((await db.get('fits')) as unknown as { text: string }).text.length, 1_000_000 - '{"text":""}'.length);
    const refused = await db.list({ keys: ['over', 'over-in-bulk', 'ok', 'part-0'] });
    assert.equal(refused.rows.filter((r) => 'value' in r).length, 0, 'nothing of a refused request was stored');
  });

  describe('a proxy with small limits', () => {
    let proxy: CloudantLimitsProxy;
    before(async () => {
      const limits = { documentBytes: 200, attachmentBytes: 100, requestBytes: 1000 };
      proxy = await startCloudantLimitsProxy(String(process.env.COUCHDB_URL), { limits });
    });
    after(() => proxy.close());

    test('answers 413 with the JSON body Cloudant sends, and passes reads and small writes through', async () => {
      const base = `${proxy.url}${services.store.prefix}meta`;
      const put = (path: string, body: string | Uint8Array, type = 'application/json') =>
        fetch(`${base}/${path}`, { method: 'PUT', body: body as RequestInit['body'], headers: { 'content-type': type } });
      const refused = await put('wide', JSON.stringify({ text: 'w'.repeat(300) }));
      assert.equal(refused.status, 413);
      assert.match(String(refused.headers.get('content-type')), /application\/json/);
      assert.deepEqual(await refused.json(), { error: 'document_too_large', reason: 'wide' });
      const attachment = await put('doc/file.bin', new Uint8Array(101), 'application/octet-stream');
      assert.deepEqual([attachment.status, await attachment.json()], [413, { error: 'attachment_too_large', reason: 'file.bin' }]);
      const docs = Array.from({ length: 20 }, () => ({ n: 'n'.repeat(60) }));
      const request = await fetch(`${base}/_bulk_docs`, { method: 'POST', body: JSON.stringify({ docs }), headers: { 'content-type': 'application/json' } });
      assert.deepEqual([request.status, await request.json()], [413, { error: 'too_large', reason: 'the request entity is too large' }]);
      assert.equal((await put('small', JSON.stringify({ text: 'fits' }))).status, 201);
      assert.equal(((await (await fetch(`${base}/small`)).json()) as { text: string }).text, 'fits');
      assert.deepEqual(proxy.refused, { too_large: 1, document_too_large: 1, attachment_too_large: 1 });
    });
  });

  test('a kept-alive socket the server closes as it is reused costs the client nothing: the proxy sends once more', async () => {
    // A server that keeps connections alive and then drops each one when its second request arrives, as a CouchDB
    // whose keep-alive timer fires while the proxy reuses the socket does.
    const server = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served > 1) return socket.destroy();
      req.resume().on('end', () => res.end(JSON.stringify({ method: req.method, url: req.url })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = await startCloudantLimitsProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    try {
      for (let i = 0; i < 5; i++) {
        const read = await fetch(`${proxy.url}db/doc-${i}`);
        assert.deepEqual([read.status, await read.json()], [200, { method: 'GET', url: `/db/doc-${i}` }]);
        const write = await fetch(`${proxy.url}db/doc-${i}`, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
        assert.deepEqual([write.status, await write.json()], [200, { method: 'PUT', url: `/db/doc-${i}` }]);
      }
    } finally {
      await proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
