import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword, hasRole } from '../../../src/auth/index.js';
import { describeRequest } from '../../../src/audit/index.js';
import { open, seal } from '../../../src/connections/secret-box.js';

describe('passwords', () => {
  test('scrypt hashes carry their parameters, are salted and verify only the right password', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    assert.match(a, /^scrypt\$32768\$8\$1\$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct hors', a), false);
    assert.equal(await verifyPassword('x', 'bcrypt$whatever'), false);
  });
});

describe('roles', () => {
  test('viewer < operator < admin', () => {
    assert.equal(hasRole('admin', 'operator'), true);
    assert.equal(hasRole('operator', 'operator'), true);
    assert.equal(hasRole('viewer', 'operator'), false);
    assert.equal(hasRole('operator', 'admin'), false);
  });
});

describe('audit descriptions', () => {
  test('the action in stable words and the target come from the whole path; previews and drafts are not audited', () => {
    assert.deepEqual(describeRequest('POST', '/api/v1/migrations/m1/retry-failed'), { action: 'migration.retry-failed', target: { type: 'migration', id: 'm1' } });
    assert.deepEqual(describeRequest('POST', '/migrations/m%201/rollback'), { action: 'migration.rollback', target: { type: 'migration', id: 'm 1' } });
    assert.deepEqual(describeRequest('POST', '/api/v1/datasets'), { action: 'dataset.upload', target: { type: 'dataset' } });
    assert.deepEqual(describeRequest('POST', '/datasets/d1/delete'), { action: 'dataset.delete', target: { type: 'dataset', id: 'd1' } });
    assert.deepEqual(describeRequest('DELETE', '/api/v1/templates/Accounts'), { action: 'template.delete', target: { type: 'template', id: 'Accounts' } });
    assert.deepEqual(describeRequest('POST', '/migrations/drafts/draft-1/template'), { action: 'template.save', target: { type: 'template' } });
    assert.deepEqual(describeRequest('POST', '/migrations/drafts/draft-1/launch'), { action: 'migration.create', target: { type: 'migration' } });
    assert.deepEqual(describeRequest('DELETE', '/api/v1/connections/c1'), { action: 'connection.delete', target: { type: 'connection', id: 'c1' } });
    assert.deepEqual(describeRequest('POST', '/admin/users/bob'), { action: 'user.update', target: { type: 'user', id: 'bob' } });
    for (const [method, path] of [['POST', '/api/v1/preview'], ['POST', '/api/v1/mapping/suggest'], ['PATCH', '/api/v1/drafts/draft-1'],
      ['POST', '/migrations/drafts'], ['POST', '/migrations/drafts/draft-1/mapping'], ['POST', '/api/v1/templates/T/check']]) {
      assert.equal(describeRequest(method, path), undefined, `${method} ${path}`);
    }
  });
});

describe('secret box', () => {
  const key = Buffer.alloc(32, 1);
  test('AES-256-GCM round trip, bound to its document', () => {
    const box = seal(key, 's3cret', 'connection:a');
    assert.doesNotMatch(JSON.stringify(box), /s3cret/);
    assert.equal(open(key, box, 'connection:a'), 's3cret');
    assert.throws(() => open(key, box, 'connection:b'), /cannot be decrypted/);
    assert.throws(() => open(Buffer.alloc(32, 2), box, 'connection:a'), /SECRET_KEY differs/);
  });
});
