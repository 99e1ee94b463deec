import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, requireBackingServices } from '../../../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the configuration to be refused');
}

const ibmRedis = {
  'databases-for-redis': [
    {
      label: 'databases-for-redis',
      name: 'dms-redis',
      credentials: {
        connection: {
          rediss: {
            composed: ['rediss://admin:s3cret@abc.databases.appdomain.cloud:32371/0'],
            certificate: { certificate_base64: Buffer.from('-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----').toString('base64') },
          },
        },
      },
    },
  ],
};

describe('config', () => {
  test('the batch queue locks for a third of WORKER_LOCK_MS (2 s at least, never longer), or WORKER_BATCH_LOCK_MS', () => {
    assert.equal(loadConfig({}).queue.batchLockMs, 10_000);
    assert.equal(loadConfig({ WORKER_LOCK_MS: '5000' }).queue.batchLockMs, 2000);
    assert.equal(loadConfig({ WORKER_LOCK_MS: '1500' }).queue.batchLockMs, 1500);
    assert.equal(loadConfig({ WORKER_LOCK_MS: '5000', WORKER_BATCH_LOCK_MS: '3000' }).queue.batchLockMs, 3000);
  });

  test('defaults: local development without any backing service configured', () => {
    const config = loadConfig({});
    assert.equal(config.http.port, 3000);
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.redis, undefined);
    assert.equal(config.couch, undefined);
    assert.equal(config.uploadMaxBytes, 1024 * 1024 * 1024);
    assert.equal(config.emulator.enabled, true);
  });

  test('REDIS_URL and COUCHDB_URL are used as given', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6380', COUCHDB_URL: 'http://admin:pw@127.0.0.1:5984', PORT: '8080' });
    assert.equal(config.redis?.url, 'redis://127.0.0.1:6380');
    assert.equal(config.redis?.source, 'REDIS_URL');
    assert.equal(config.couch?.url, 'http://admin:pw@127.0.0.1:5984/');
    assert.equal(config.http.port, 8080);
  });

  test('every bad variable is reported by name, all at once', () => {
    const problems = problemsOf({ PORT: 'eighty', REDIS_URL: 'http://nope', COUCHDB_URL: 'not a url', LOG_LEVEL: 'loud', SALESFORCE_EMULATOR: 'maybe' });
    for (const name of ['PORT', 'REDIS_URL', 'COUCHDB_URL', 'LOG_LEVEL', 'SALESFORCE_EMULATOR']) {
      assert.ok(problems.some((p) => p.includes(name)), `no problem names ${name}: ${problems.join(' | ')}`);
    }
    assert.equal(problems.length, 5);
  });

  test('WORKER_QUEUES picks the queues a worker process drains; every queue when unset; unknown names listed', () => {
    const all = ['migrations', 'migration-batches', 'datasets', 'validations', 'schedules', 'webhooks', 'plans', 'transfers', 'diagnostics'];
    assert.deepEqual(loadConfig({}).queue.queues, all);
    assert.deepEqual(loadConfig({ WORKER_QUEUES: ' datasets , diagnostics,datasets' }).queue.queues, ['datasets', 'diagnostics']);
    const problems = problemsOf({ WORKER_QUEUES: 'datasets,parse,imports' });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /WORKER_QUEUES names unknown queue\(s\) "parse", "imports"; the queues are migrations, migration-batches, datasets, validations, schedules, webhooks, plans, transfers, diagnostics/);
  });

  test('secrets in a bad URL are not echoed back', () => {
    const problems = problemsOf({ COUCHDB_URL: 'ftp://admin:topsecret@host' });
    assert.ok(problems[0]?.includes('COUCHDB_URL'));
    assert.ok(!problems[0]?.includes('topsecret'));
  });

  test('production requires SECRET_KEY and it must be 32 bytes', () => {
    assert.ok(problemsOf({ NODE_ENV: 'production' }).some((p) => p.startsWith('SECRET_KEY')));
    assert.ok(problemsOf({ SECRET_KEY: Buffer.alloc(16).toString('base64') }).some((p) => p.includes('SECRET_KEY must be 32 bytes')));
    const config = loadConfig({ NODE_ENV: 'production', SECRET_KEY: Buffer.alloc(32, 7).toString('base64') });
    assert.equal(config.secretKey?.length, 32);
  });

  test('HTTP Basic on the API is on in development, off in production unless API_BASIC_AUTH says otherwise', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    assert.equal(loadConfig({}).apiBasicAuth, true);
    assert.equal(loadConfig({ NODE_ENV: 'production', SECRET_KEY: key }).apiBasicAuth, false);
    assert.equal(loadConfig({ NODE_ENV: 'production', SECRET_KEY: key, API_BASIC_AUTH: 'true' }).apiBasicAuth, true);
    assert.ok(problemsOf({ API_BASIC_AUTH: 'maybe' }).some((p) => p.startsWith('API_BASIC_AUTH')));
  });

  test('admin user and password must come together', () => {
    assert.ok(problemsOf({ DMS_ADMIN_USER: 'root' }).some((p) => p.includes('DMS_ADMIN_USER and DMS_ADMIN_PASSWORD')));
  });

  test('VCAP_SERVICES: IBM Databases for Redis (rediss + CA) and IAM-only Cloudant', () => {
    const vcap = {
      ...ibmRedis,
      cloudantNoSQLDB: [
        { name: 'dms-cloudant', label: 'cloudantNoSQLDB', credentials: { apikey: 'iam-key', url: 'https://acct-bluemix.cloudantnosqldb.appdomain.cloud', username: 'acct-bluemix' } },
      ],
    };
    const config = loadConfig({ VCAP_SERVICES: JSON.stringify(vcap), VCAP_APPLICATION: '{}' });
    assert.equal(config.redis?.url, 'rediss://admin:s3cret@abc.databases.appdomain.cloud:32371/0');
    assert.equal(config.redis?.source, 'VCAP_SERVICES');
    assert.match(config.redis?.tlsCa?.toString() ?? '', /BEGIN CERTIFICATE/);
    assert.equal(config.couch?.url, 'https://acct-bluemix.cloudantnosqldb.appdomain.cloud/');
    assert.equal(config.couch?.iamApiKey, 'iam-key');
    assert.equal(config.http.host, '0.0.0.0', 'on Cloud Foundry the web process listens on all interfaces');
  });

  test('VCAP_SERVICES: Tanzu p.redis host/port/password and legacy Cloudant basic auth', () => {
    const vcap = {
      'p.redis': [{ name: 'redis-q', label: 'p.redis', tags: ['redis'], credentials: { host: 'q-s0.redis.bosh', password: 'p@ss', port: 6379 } }],
      cloudantNoSQLDB: [
        { name: 'legacy', label: 'cloudantNoSQLDB', credentials: { username: 'u', password: 'pw', host: 'u.cloudant.com', port: 443, url: 'https://u:pw@u.cloudant.com' } },
      ],
    };
    const config = loadConfig({ VCAP_SERVICES: JSON.stringify(vcap) });
    assert.equal(config.redis?.url, 'redis://:p%40ss@q-s0.redis.bosh:6379');
    assert.equal(config.couch?.url, 'https://u:pw@u.cloudant.com/');
    assert.equal(config.couch?.iamApiKey, undefined);
  });

  test('VCAP_SERVICES: user-provided services found by tag, Redis by uri', () => {
    const vcap = {
      'user-provided': [
        { name: 'my-couch', label: 'user-provided', tags: ['cloudant'], credentials: { url: 'https://host.example', apikey: 'k' } },
        { name: 'my-cache', label: 'user-provided', tags: ['redis'], credentials: { uri: 'rediss://:pw@redis.example:6380', ca_certificate_base64: Buffer.from('CA').toString('base64') } },
      ],
    };
    const config = loadConfig({ VCAP_SERVICES: JSON.stringify(vcap) });
    assert.equal(config.redis?.url, 'rediss://:pw@redis.example:6380');
    assert.equal(config.redis?.tlsCa?.toString(), 'CA');
    assert.equal(config.couch?.iamApiKey, 'k');
  });

  test('secrets from a user-provided dms-secrets service; real env vars win', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const vcap = { 'user-provided': [{ name: 'dms-secrets', label: 'user-provided', credentials: { SECRET_KEY: key, SESSION_SECRET: 'from-binding-0123456789' } }] };
    const config = loadConfig({ NODE_ENV: 'production', VCAP_SERVICES: JSON.stringify(vcap), SESSION_SECRET: 'from-env-0123456789' });
    assert.deepEqual(config.secretKey, Buffer.from(key, 'base64'));
    assert.equal(config.sessionSecret, 'from-env-0123456789');
  });

  test('explicit REDIS_URL wins over a binding', () => {
    const config = loadConfig({ VCAP_SERVICES: JSON.stringify(ibmRedis), REDIS_URL: 'redis://127.0.0.1:6379' });
    assert.equal(config.redis?.source, 'REDIS_URL');
  });

  test('malformed VCAP_SERVICES and incomplete bindings are named', () => {
    assert.ok(problemsOf({ VCAP_SERVICES: '{not json' }).some((p) => p.startsWith('VCAP_SERVICES is not valid JSON')));
    const incomplete = { 'p.redis': [{ name: 'r', label: 'p.redis', credentials: { password: 'x' } }] };
    assert.ok(problemsOf({ VCAP_SERVICES: JSON.stringify(incomplete) }).some((p) => p.includes('Redis binding "r"')));
  });

  test('web and worker alone need both services and say how to get them', () => {
    assert.throws(() => requireBackingServices(loadConfig({})), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(error.problems[0]?.includes('REDIS_URL'));
      assert.ok(error.problems[1]?.includes('COUCHDB_URL'));
      return true;
    });
  });
});
