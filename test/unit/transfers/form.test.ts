import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ZodError } from 'zod';
import type { Services } from '../../../src/services.js';
import { TransferRequest } from '../../../src/transfers/index.js';
import { endKinds, fieldErrors, transferRequestOfForm } from '../../../src/transfers/form.js';

const noServices = {} as Services;

describe('the transfer form', () => {
  test('knows every kind of end the API takes, with its fields from the schema', () => {
    const kinds = endKinds();
    assert.deepEqual(kinds.source.map((k) => k.kind), TransferRequest.shape.source.options.map((o) => o.shape.kind.value));
    const salesforce = kinds.target.find((k) => k.kind === 'salesforce');
    assert.deepEqual(salesforce?.fields.map((f) => f.key), ['connectionId', 'object', 'externalIdField', 'api', 'reserveCalls']);
    assert.deepEqual(salesforce?.fields.find((f) => f.key === 'api')?.choices, ['auto', 'collections', 'bulk']);
    assert.equal(salesforce?.endpoint, false);
    const stream = kinds.source.find((k) => k.kind === 'redis-stream');
    assert.deepEqual([stream?.endpoint, stream?.schemes, stream?.fields.find((f) => f.key === 'group')?.default], [true, ['redis:', 'rediss:'], 'dms-transfer']);
  });

  test('takes only the chosen kind\'s fields, numbers as numbers, a typed URL', async () => {
    const request = await transferRequestOfForm(noServices, {
      name: ' feed ', 'source.kind': 'redis-stream', 'source.redis-stream.stream': 'orders', 'source.redis-stream.endpoint': 'url',
      'source.redis-stream.url': 'redis://h:6379', 'source.rabbitmq-queue.queue': 'not this one',
      'target.kind': 'salesforce', 'target.salesforce.object': 'Account', 'target.salesforce.externalIdField': 'Ext__c',
      'target.salesforce.reserveCalls': '100', 'target.salesforce.api': 'bulk', pipeline: '[{"op":"trim","columns":["Name"]}]',
      batchSize: '250', bound: '', mode: 'continuous',
    });
    assert.deepEqual(TransferRequest.parse(request), {
      name: 'feed', source: { kind: 'redis-stream', url: 'redis://h:6379', stream: 'orders', group: 'dms-transfer' },
      target: { kind: 'salesforce', connectionId: 'local', object: 'Account', externalIdField: 'Ext__c', api: 'bulk', reserveCalls: 100 },
      pipeline: [{ op: 'trim', columns: ['Name'] }], batchSize: 250, bound: undefined, mode: 'continuous',
    });
  });

  test('every kind and field has its label in both languages; lists are typed comma-separated', async () => {
    const kinds = endKinds();
    for (const locale of ['en', 'zh-CN']) {
      const texts = JSON.parse(readFileSync(new URL(`../../../locales/${locale}/transfers.json`, import.meta.url), 'utf8')) as Record<string, string>;
      for (const spec of [...kinds.source, ...kinds.target]) {
        assert.ok(texts[`transfers.kind.${spec.kind}`], `${locale}: transfers.kind.${spec.kind}`);
        for (const field of spec.fields) assert.ok(texts[`transfers.field.${field.key}`], `${locale}: transfers.field.${field.key} (${spec.kind})`);
      }
    }
    const request = await transferRequestOfForm(noServices, {
      'source.kind': 'salesforce-query', 'source.salesforce-query.soql': 'SELECT Id, Name FROM Account', 'source.salesforce-query.queryAll': 'false',
      'target.kind': 'redis-stream', 'target.redis-stream.stream': 'out', 'target.redis-stream.keyFields': ' Id , Name,', 'target.redis-stream.endpoint': '',
    });
    const parsed = TransferRequest.parse(request);
    assert.deepEqual(parsed.target, { kind: 'redis-stream', stream: 'out', keyFields: ['Id', 'Name'], keyWindowSeconds: 3600 });
    assert.equal(parsed.source.kind === 'salesforce-query' && parsed.source.queryAll, false);
  });

  test('says what is wrong by form field', async () => {
    const form = { 'source.kind': 'redis-stream', 'source.redis-stream.endpoint': 'url', 'source.redis-stream.url': 'nope', 'target.kind': '', batchSize: '0' };
    const parsed = TransferRequest.safeParse(await transferRequestOfForm(noServices, form));
    assert.ok(!parsed.success);
    const errors = fieldErrors(parsed.error as ZodError, form, 'Required.');
    assert.equal(errors['source.redis-stream.stream'], 'Required.');
    assert.ok(errors['source.redis-stream.endpoint'], 'a URL that is not one');
    assert.ok(errors['target.kind'], 'no target kind');
    assert.match(errors.batchSize ?? '', /1/);
  });
});
