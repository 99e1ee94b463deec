import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpRequest } from '../../../src/http/index.js';

/** A real server on a real socket: each path answers as a server DMS talks to might. */
let server: http.Server;
let base: string;
const BIG = Buffer.from('Id,Name\n'.repeat(200_000));

before(async () => {
  server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const received = Buffer.concat(parts);
      if (req.url === '/echo') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({
          method: req.method, length: received.length, sha: createHash('sha256').update(received).digest('hex'),
          chunked: req.headers['transfer-encoding'] === 'chunked', contentLength: req.headers['content-length'] ?? null,
          acceptEncoding: req.headers['accept-encoding'] ?? null, custom: req.headers['x-custom'] ?? null,
        }));
      } else if (req.url === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/csv', 'sforce-locator': 'MTAw' });
        res.end(gzipSync(BIG));
      } else if (req.url === '/slow') {
        res.writeHead(200);
        res.write('first part');
        // never ends: the client's timeout has to
      } else if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': String(BIG.length) });
        res.write(BIG.subarray(0, 1000), () => res.socket?.destroy());
      } else if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not_found","reason":"missing"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

describe('httpRequest', () => {
  test('a streamed body arrives whole and in order, chunked; text and bytes carry a Content-Length', async () => {
    const pieces = Array.from({ length: 300 }, (_, i) => Buffer.from(`${i},Zürich 東京 "${'x'.repeat(i)}"\n`));
    async function* body(): AsyncGenerator<Uint8Array> {
      for (const piece of pieces) yield piece;
    }
    const streamed = JSON.parse(await (await httpRequest(`${base}/echo`, { method: 'PUT', body: body(), headers: { 'X-Custom': 'yes' } })).text());
    const whole = Buffer.concat(pieces);
    assert.deepEqual(streamed, {
      method: 'PUT', length: whole.length, sha: createHash('sha256').update(whole).digest('hex'),
      chunked: true, contentLength: null, acceptEncoding: 'gzip, deflate', custom: 'yes',
    });
    const text = JSON.parse(await (await httpRequest(`${base}/echo`, { method: 'POST', body: '{"name":"Zürich"}' })).text());
    assert.equal(text.contentLength, String(Buffer.byteLength('{"name":"Zürich"}')), 'bytes of UTF-8, not characters');
    assert.equal(text.chunked, false);
    const identity = JSON.parse(await (await httpRequest(`${base}/echo`, { headers: { 'Accept-Encoding': 'identity' } })).text());
    assert.equal(identity.acceptEncoding, 'identity', 'the caller\'s header replaces the default, whatever its case');
  });

  test('a gzip answer is read inflated, as a stream and whole; headers in any case', async () => {
    const response = await httpRequest(`${base}/gzip`);
    assert.equal(response.status, 200);
    assert.equal(response.ok, true);
    assert.equal(response.header('Sforce-Locator'), 'MTAw');
    let length = 0;
    const hash = createHash('sha256');
    for await (const part of response.body) {
      length += part.length;
      hash.update(part);
    }
    assert.equal(length, BIG.length);
    assert.equal(hash.digest('hex'), createHash('sha256').update(BIG).digest('hex'));
    assert.deepEqual(await (await httpRequest(`${base}/gzip`)).bytes(), BIG);
  });

  test('an error answer is a response (the caller reads its body), not a rejection', async () => {
    const response = await httpRequest(`${base}/missing`);
    assert.equal(response.status, 404);
    assert.equal(response.ok, false);
    assert.deepEqual(JSON.parse(await response.text()), { error: 'not_found', reason: 'missing' });
  });

  test('a connection cut in the middle of the body fails its reader; a timeout fails it with TimeoutError', async () => {
    const cut = await httpRequest(`${base}/cut`);
    await assert.rejects(cut.bytes(), (error: NodeJS.ErrnoException) => /aborted|ECONNRESET|premature/i.test(`${error.code} ${error.message}`));
    const slow = await httpRequest(`${base}/slow`, { timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(slow.text(), (error: NodeJS.ErrnoException) => error.name === 'TimeoutError' && error.code === 'TimeoutError');
    assert.ok(Date.now() - started < 5000);
  });

  test('a refused connection rejects with ECONNREFUSED (nothing was sent); other protocols are refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(httpRequest(`http://127.0.0.1:${port}/`), { code: 'ECONNREFUSED' });
    await assert.rejects(httpRequest('ftp://127.0.0.1/x'), /ftp:/);
  });

  test('a cancelled body frees its request; the next one on the pool is answered', async () => {
    const response = await httpRequest(`${base}/gzip`);
    response.body.cancel();
    const echo = JSON.parse(await (await httpRequest(`${base}/echo`)).text());
    assert.equal(echo.method, 'GET');
  });
});
