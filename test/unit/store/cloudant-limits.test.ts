import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWrite } from '../../../src/embedded/cloudant-limits.js';
import { STORE_LIMITS, documentSize, encodedSize } from '../../../src/store/index.js';

const limits = { documentBytes: 100, attachmentBytes: 30, requestBytes: 1000 };
const JSON_TYPE = 'application/json';
/** What the front answers for a write of `body` (JSON unless a Buffer) with the small limits above. */
const check = (method: string, path: string, body: unknown, type = JSON_TYPE) =>
  checkWrite(method, path, type, Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)), limits);
const tooLarge = (reason: string) => ({ error: 'document_too_large', reason });
const attachmentTooLarge = (reason: string) => ({ error: 'attachment_too_large', reason });

test('document size is measured as CouchDB measures it: decoded UTF-8 text, `_` fields left out', () => {
  assert.equal(encodedSize({ a: 1 }), '{"a":1}'.length);
  const mixed = { list: [true, false, null, -12, 'x'], empty: {}, none: [] };
  assert.equal(encodedSize(mixed), JSON.stringify(mixed).length);
  // An escape counts as the character it stands for; a Chinese character as its 3 UTF-8 bytes.
  assert.equal(encodedSize('\u0001'), 3);
  assert.equal(encodedSize('中'), 5);
  const withMeta = { _id: 'x'.repeat(500), _rev: '1-a', _attachments: { a: { data: 'AAAA' } }, n: 1 };
  assert.equal(documentSize(withMeta), '{"n":1}'.length);
  assert.deepEqual(STORE_LIMITS, { documentBytes: 1_000_000, attachmentBytes: 10_000_000, requestBytes: 10_000_000 });
});

test('a document over the limit is refused with its id, in each way of writing one', () => {
  const big = { _id: 'big', text: 'y'.repeat(100) };
  const small = { _id: 'small', text: 'y' };
  assert.deepEqual(check('PUT', '/db/big', big), tooLarge('big'));
  assert.deepEqual(check('PUT', '/db/_design/by-x', big), tooLarge('_design/by-x'));
  assert.deepEqual(check('POST', '/db', big), tooLarge('big'));
  assert.deepEqual(check('POST', '/db/_bulk_docs', { docs: [small, big] }), tooLarge('big'));
  assert.deepEqual(check('POST', '/db/_bulk_docs', { docs: [{ text: 'y'.repeat(100) }] }), tooLarge(''));
  const multipart = Buffer.from(`--b\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(big)}\r\n--b\r\n\r\nbytes\r\n--b--`);
  assert.deepEqual(check('PUT', '/db/big', multipart, 'multipart/related; boundary="b"'), tooLarge('big'));
  assert.equal(check('PUT', '/db/small', small), undefined);
  assert.equal(check('POST', '/db/_find', { selector: { text: 'y'.repeat(500) } }), undefined);
});

test('an attachment over the limit is refused with its name: inline (base64), declared, or raw', () => {
  const inline = (bytes: number) => ({ _id: 'a', _attachments: { 'rows.gz': { data: Buffer.alloc(bytes).toString('base64') } } });
  assert.deepEqual(check('POST', '/db/_bulk_docs', { docs: [inline(31)] }), attachmentTooLarge('rows.gz'));
  assert.equal(check('PUT', '/db/a', inline(30)), undefined);
  const follows = { _id: 'a', _attachments: { big: { follows: true, length: 31 } } };
  assert.deepEqual(check('PUT', '/db/a', follows), attachmentTooLarge('big'));
  const octets = 'application/octet-stream';
  assert.deepEqual(check('PUT', '/db/a%3Apart%3A000001/data', Buffer.alloc(31), octets), attachmentTooLarge('data'));
  assert.equal(check('PUT', '/db/a/data', Buffer.alloc(30), octets), undefined);
});
