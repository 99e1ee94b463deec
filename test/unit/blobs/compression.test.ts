import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { compressStored, inflateStoredSync, storedEncoding } from '../../../src/blobs/index.js';

test('what DMS compresses is told apart from gzip by its first bytes, whatever the data', async () => {
  const samples = [
    Buffer.alloc(0), Buffer.from('a'), Buffer.from('\u001f\u008b'), randomBytes(1), randomBytes(5000),
    Buffer.from('Name,Phone\n"客户 😀","+1 555"\n'.repeat(3000)),
    ...Array.from({ length: 200 }, (_, i) => randomBytes(1 + (i * 37) % 700)),
  ];
  for (const data of samples) {
    const packed = await compressStored(data);
    assert.equal(storedEncoding(packed), 'br', `first byte ${packed[0].toString(16)} of ${data.length} bytes`);
    assert.ok(inflateStoredSync(packed).equals(data));
    const old = gzipSync(data);
    assert.equal(storedEncoding(old), 'gzip');
    assert.ok(inflateStoredSync(old).equals(data));
  }
});

test('damaged stored bytes fail loudly instead of giving back other data', async () => {
  const packed = await compressStored(Buffer.from('Name\nAcme\n'.repeat(1000)));
  assert.throws(() => inflateStoredSync(packed.subarray(0, packed.length - 3)));
  const old = gzipSync(Buffer.from('Name\nAcme\n'));
  old[old.length - 5] ^= 0xff;
  assert.throws(() => inflateStoredSync(old));
});
