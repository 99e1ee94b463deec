import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobWriter, deleteBlob, openBlob, readManifest } from '../../../src/blobs/index.js';
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
});
