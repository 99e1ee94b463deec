import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { BlobWriter, deleteBlob, openBlob, readManifest, type BlobManifest } from '../../../src/blobs/index.js';
import { getAttachment, putAttachment } from '../../../src/store/index.js';
import { connectTestServices } from '../../support/services.js';

describe('blob store: raw files as parts in CouchDB', () => {
  let services: Awaited<ReturnType<typeof connectTestServices>>;
  before(async () => {
    services = await connectTestServices();
  });
  after(() => services.cleanup());

  const collect = async (stream: Readable) => {
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    return Buffer.concat(parts);
  };

  test('streams in, in odd-sized pieces, and back out byte for byte, part by part', async () => {
    const data = randomBytes(10_500);
    const pieces = [];
    for (let at = 0; at < data.length; at += 333) pieces.push(data.subarray(at, at + 333));
    const writer = new BlobWriter(services.store, 'blob-a', 'text/csv', 1000);
    await pipeline(Readable.from(pieces), writer);
    assert.deepEqual(writer.summary, { blobId: 'blob-a', size: 10_500, parts: 11, sha256: createHash('sha256').update(data).digest('hex') });
    const manifest = await readManifest(services.store, 'blob-a');
    assert.equal(manifest?.complete, true);
    assert.equal(manifest?.parts, 11);
    const back = openBlob(services.store, 'blob-a');
    const sizes: number[] = [];
    const parts: Buffer[] = [];
    for await (const part of back) {
      sizes.push((part as Buffer).length);
      parts.push(part as Buffer);
    }
    assert.deepEqual(sizes, [...Array<number>(10).fill(1000), 500]);
    assert.ok(Buffer.concat(parts).equals(data));
  });

  test('an empty blob is one empty part; a stream closed early stops reading', async () => {
    await pipeline(Readable.from([]), new BlobWriter(services.store, 'blob-empty'));
    assert.equal((await collect(openBlob(services.store, 'blob-empty'))).length, 0);
    const stream = openBlob(services.store, 'blob-a');
    for await (const part of stream) {
      assert.equal((part as Buffer).length, 1000);
      break;
    }
    assert.ok(stream.destroyed);
  });

  test('an incomplete blob cannot be opened, and delete removes every part', async () => {
    const writer = new BlobWriter(services.store, 'blob-cut', undefined, 100);
    writer.write(randomBytes(350));
    await new Promise((resolve) => setTimeout(resolve, 200));
    writer.destroy();
    await writer.settled();
    assert.equal((await readManifest(services.store, 'blob-cut'))?.complete, false);
    await assert.rejects(collect(openBlob(services.store, 'blob-cut')), { code: 'BLOB_MISSING' });
    assert.equal(await deleteBlob(services.store, 'blob-cut'), 3);
    assert.equal(await readManifest(services.store, 'blob-cut'), undefined);
    assert.equal(await deleteBlob(services.store, 'blob-a'), 11);
    await assert.rejects(collect(openBlob(services.store, 'blob-a')), { code: 'BLOB_MISSING' });
  });

  test('text is stored compressed (Brotli, a tenth of its size here); a blob stored as gzip before reads back the same', async () => {
    const data = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `${i},Account ${i},EXT-${i},Retail\n`).join(''));
    await pipeline(Readable.from([data]), new BlobWriter(services.store, 'blob-text', 'text/csv', 256 * 1024));
    const manifest = await readManifest(services.store, 'blob-text');
    assert.equal(manifest?.encoding, 'br');
    const stored = await getAttachment(services.store, 'blobs', 'blob-text:part:000000', 'data');
    assert.ok(stored.length < 256 * 1024 / 8, `part 0 stored in ${stored.length} bytes`);
    assert.ok((await collect(openBlob(services.store, 'blob-text'))).equals(data));

    // As a blob written before 2026-12-07 is stored: gzip parts and a manifest that says so.
    const old: BlobManifest = { ...manifest!, _id: 'blob-old:manifest', blobId: 'blob-old', encoding: 'gzip', parts: 2 };
    delete old._rev;
    const halves = [data.subarray(0, 600_000), data.subarray(600_000)];
    for (const [n, half] of halves.entries()) {
      await putAttachment(services.store, 'blobs', `blob-old:part:00000${n}`, 'data', gzipSync(half, { level: 1 }), 'application/gzip');
    }
    await services.store.db('blobs').insert(old);
    assert.ok((await collect(openBlob(services.store, 'blob-old'))).equals(data));
  });
});
