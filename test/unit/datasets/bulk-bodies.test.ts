import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bulkBodies, docWithAttachment } from '../../../src/blobs/index.js';

const doc = (id: string, bytes: number) => docWithAttachment({ _id: id }, 'rows.json.gz', 'application/gzip', Buffer.alloc(bytes, id.length));
const ids = (body: Buffer) => (JSON.parse(body.toString()) as { docs: { _id: string }[] }).docs.map((d) => d._id);

describe('_bulk_docs bodies under the request size limit', () => {
  test('documents keep their order, each body stays within the limit, and a too-large one goes alone', () => {
    const docs = [doc('a', 3000), doc('b', 3000), doc('c', 3000), doc('d', 20_000), doc('e', 100)];
    const bodies = bulkBodies(docs, 10_000);
    assert.deepEqual(bodies.map(ids), [['a', 'b'], ['c'], ['d'], ['e']]);
    for (const body of bodies.filter((b) => !ids(b).includes('d'))) assert.ok(body.length <= 10_000, `${body.length} bytes`);
    const [first] = bodies;
    const attachment = (JSON.parse(first.toString()) as { docs: { _attachments: { 'rows.json.gz': { data: string } } }[] }).docs[1]._attachments['rows.json.gz'];
    assert.deepEqual(Buffer.from(attachment.data, 'base64'), Buffer.alloc(3000, 1));
  });

  test('small documents share one body; none gives none', () => {
    assert.deepEqual(bulkBodies([doc('a', 10), doc('b', 10), doc('c', 10)]).map(ids), [['a', 'b', 'c']]);
    assert.deepEqual(bulkBodies([]), []);
  });
});
