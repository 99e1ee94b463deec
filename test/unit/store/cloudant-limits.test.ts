import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWrite } from '../../../src/embedded/cloudant-limits.js';
import { STORE_LIMITS, documentSize, encodedSize } from '../../../src/store/index.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const limits = { documentBytes: 100, attachmentBytes: 30, requestBytes: 1000 };

test('document size is measured as CouchDB measures it: decoded UTF-8 text, `_` fields left out', () => {
  assert.equal(encodedSize({ a: 1 }), '{"a":1}'.length);
  assert.equal(encodedSize({ list: [true, false, null, -12, 'x'], empty: {}, none: [] }), JSON.stringify({ list: [true, false, null, -12, 'x'], empty: {}, none: [] }).length);
  // An escape counts as the character it stands for; a Chinese character as its 3 UTF-8 bytes.
  assert.equal(encodedSize('\u0001'), 3);
  assert.equal(encodedSize('中'), 5);
  assert.equal(documentSize({ _id: 'x'.repeat(500), _rev: '1-a', _attachments: { a: { data: 'AAAA' } }, n: 1 }), '{"n":1}'.length);
  assert.deepEqual(STORE_LIMITS, { documentBytes: 1_000_000, attachmentBytes: 10_000_000, requestBytes: 10_000_000 });
});

test('a document over the limit is refused with its id, in each way of writing one', () => {
  const big = { _id: 'big', text: 'y'.repeat(100) };
  const small = { _id: 'small', text: 'y' };
  assert.deepEqual(checkWrite('PUT', '/db/big', 'application/json', json(big), limits), { error: 'document_too_large', reason: 'big' });
  assert.deepEqual(checkWrite('PUT', '/db/_design/by-x', 'application/json', json(big), limits), { error: 'document_too_large', reason: '_design/by-x' });
  assert.deepEqual(checkWrite('POST', '/db', 'application/json', json(big), limits), { error: 'document_too_large', reason: 'big' });
  assert.deepEqual(checkWrite('POST', '/db/_bulk_docs', 'application/json', json({ docs: [small, big] }), limits), { error: 'document_too_large', reason: 'big' });
  assert.deepEqual(checkWrite('POST', '/db/_bulk_docs', 'application/json', json({ docs: [{ text: 'y'.repeat(100) }] }), limits), { error: 'document_too_large', reason: '' });
  const multipart = Buffer.from(`--b\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(big)}\r\n--b\r\n\r\nbytes\r\n--b--`);
  assert.deepEqual(checkWrite('PUT', '/db/big', 'multipart/related; boundary="b"', multipart, limits), { error: 'document_too_large', reason: 'big' });
  assert.equal(checkWrite('PUT', '/db/small', 'application/json', json(small), limits), undefined);
  assert.equal(checkWrite('POST', '/db/_find', 'application/json', json({ selector: { text: 'y'.repeat(500) } }), limits), undefined);
});

test('an attachment over the limit is refused with its name: inline (base64), declared, or raw', () => {
  const inline = { _id: 'a', _attachments: { 'rows.gz': { content_type: 'application/gzip', data: Buffer.alloc(31).toString('base64') } } };
  assert.deepEqual(checkWrite('POST', '/db/_bulk_docs', 'application/json', json({ docs: [inline] }), limits), { error: 'attachment_too_large', reason: 'rows.gz' });
  const fits = { _id: 'a', _attachments: { 'rows.gz': { data: Buffer.alloc(30).toString('base64') } } };
  assert.equal(checkWrite('PUT', '/db/a', 'application/json', json(fits), limits), undefined);
  const follows = { _id: 'a', _attachments: { big: { follows: true, length: 31 } } };
  assert.deepEqual(checkWrite('PUT', '/db/a', 'application/json', json(follows), limits), { error: 'attachment_too_large', reason: 'big' });
  assert.deepEqual(checkWrite('PUT', '/db/a%3Apart%3A000001/data', 'application/octet-stream', Buffer.alloc(31), limits), { error: 'attachment_too_large', reason: 'data' });
  assert.equal(checkWrite('PUT', '/db/a/data', 'application/octet-stream', Buffer.alloc(30), limits), undefined);
});
