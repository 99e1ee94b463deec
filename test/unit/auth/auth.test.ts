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
  test('the action and target come from the path', () => {
    assert.deepEqual(describeRequest('POST', '/api/v1/migrations/m1/retry-failed'), { action: 'migrations.retry-failed', target: { type: 'migration', id: 'm1' } });
    assert.deepEqual(describeRequest('POST', '/datasets'), { action: 'datasets.create', target: { type: 'dataset' } });
    assert.deepEqual(describeRequest('DELETE', '/api/v1/connections/c1'), { action: 'connections.delete', target: { type: 'connection', id: 'c1' } });
    assert.deepEqual(describeRequest('POST', '/admin/users/bob'), { action: 'users.create', target: { type: 'user', id: 'bob' } });
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
