import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCouchClient } from '../../../src/store/couch.js';

describe('CouchDB client: what requests made without nano (raw attachments) send', () => {
  test('credentials in the URL become a Basic header, and the base URL carries none', () => {
    const client = createCouchClient({ url: 'https://ad%40min:p%3Ass@db.example.com:6984/couch', source: 'COUCHDB_URL' });
    assert.equal(client.baseUrl, 'https://db.example.com:6984/couch/');
    assert.equal(client.headers.Authorization, `Basic ${Buffer.from('ad@min:p:ss').toString('base64')}`);
    assert.doesNotMatch(client.displayUrl, /p%3Ass|p:ss/);
  });

  test('no credentials, no header', () => {
    const client = createCouchClient({ url: 'http://127.0.0.1:5984', source: 'COUCHDB_URL' });
    assert.equal(client.baseUrl, 'http://127.0.0.1:5984/');
    assert.deepEqual(client.headers, {});
  });
});
