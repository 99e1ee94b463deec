import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { findDataset, parseDataset } from '../../../src/datasets/index.js';
import { startCouchProcess } from '../../support/couch-process.js';
import { startWorkerProcess, type WorkerChild } from '../../support/worker-process.js';
import { chunkDocs, cleanedUp, settled, startHarness, upload, type DatasetHarness } from './support.js';

/** `rows` rows of ~20 bytes: long enough to parse that a process or the store can be killed meanwhile. */
const csvOfRows = (rows: number) =>
  `id,name,amount\n${Array.from({ length: rows }, (_, i) => `${i},name ${i % 997},${i % 89}.5`).join('\n')}\n`;

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `${what}: not after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Resolves once the dataset's parse has started. */
const parsing = (h: DatasetHarness, id: string) =>
  until('parsing', async () => ((await findDataset(h.services.store, id))?.status === 'parsing' ? true : undefined));

/** The app still answers after the trouble: the dataset's page with its state, the list, health. */
async function appAnswers(h: DatasetHarness, id: string, text: string) {
  assert.match((await h.get(`/datasets/${id}`).set('accept', 'text/html').expect(200)).text, new RegExp(text));
  await h.get('/api/v1/datasets').expect(200);
  await h.get('/healthz').expect(200);
}

/**
 * A harness whose own workers (and so the sweeper) take no parses, and `count` parser processes (2 s job locks);
 * `startParser` adds one. Everything is stopped after `body`.
 */
async function withParsers(
  count: number,
  body: (h: DatasetHarness, parsers: WorkerChild[], startParser: () => Promise<WorkerChild>) => Promise<void>,
): Promise<void> {
  const lock = { WORKER_LOCK_MS: '2000' };
  const h = await startHarness({ env: { ...lock, WORKER_QUEUES: 'diagnostics' } });
  const parsers: WorkerChild[] = [];
  const startParser = async () => {
    const parser = await startWorkerProcess(h.services.config, { ...lock, WORKER_QUEUES: 'datasets' });
    parsers.push(parser);
    return parser;
  };
  try {
    for (let i = 0; i < count; i++) await startParser();
    await body(h, parsers, startParser);
  } finally {
    for (const parser of parsers) if (parser.child.exitCode === null) parser.child.kill('SIGKILL');
    await h.close();
  }
}

describe('datasets: a parse always ends ready or failed', () => {
  test('the store killed mid-parse and back 15 s later: the last attempt still ends failed, then deletes its chunks', async () => {
    const couch = await startCouchProcess();
    const h = await startHarness({ env: { COUCHDB_URL: couch.url }, worker: false });
    try {
      const res = await upload(h, 'store-dies.csv', csvOfRows(2_000_000)).expect(202);
      // As the worker runs a job's last attempt; retries of the store's own calls give up within ~12 s.
      const outcome = parseDataset(h.services, res.body.id, 0, true).then(() => 'returned', (error: unknown) => error);
      await parsing(h, res.body.id);
      await sleep(150);
      await couch.kill();
      await sleep(15_000);
      await couch.start();
      assert.match(String(await outcome), /connection|ECONNREFUSED|fetch failed/, 'the job fails (BullMQ keeps the reason)');
      const dataset = await settled(h, res.body.id, 10_000);
      assert.equal(dataset.status, 'failed');
      assert.equal(dataset.error?.code, 'PARSE_FAILED');
      await cleanedUp(h, res.body.id);
      assert.equal(await chunkDocs(h.services, res.body.id), 0);
      await appAnswers(h, res.body.id, 'PARSE_FAILED');
    } finally {
      await h.close();
      await couch.kill();
    }
  });

  test('the parser process killed mid-parse with no other parser: the sweeper fails the dataset within a minute', async () => {
    await withParsers(1, async (h, parsers, startParser) => {
      const res = await upload(h, 'parser-dies.csv', csvOfRows(1_000_000)).expect(202);
      await parsing(h, res.body.id);
      parsers[0].child.kill('SIGKILL');
      await parsers[0].exited;
      const killedAt = Date.now();
      const dataset = await settled(h, res.body.id, 60_000);
      assert.ok(Date.now() - killedAt < 60_000);
      assert.equal(dataset.status, 'failed');
      assert.equal(dataset.error?.code, 'PARSE_ABANDONED');
      assert.match(dataset.error?.message ?? '', /the parser process running it stopped/);
      await appAnswers(h, res.body.id, 'PARSE_ABANDONED');
      // Re-parsed once a parser runs again, it ends ready.
      await startParser();
      await request(h.app).post(`/api/v1/datasets/${res.body.id}/reparse`).set(h.user.headers).send({}).expect(202);
      const again = await settled(h, res.body.id, 60_000);
      assert.equal(again.status, 'ready', JSON.stringify(again.error));
      assert.equal(again.rowCount, 1_000_000);
    });
  });

  test('the parser process killed mid-parse while another parser runs: that one takes the parse over and it ends ready', async () => {
    await withParsers(2, async (h, parsers) => {
      const res = await upload(h, 'parser-dies-twice.csv', csvOfRows(1_000_000)).expect(202);
      await parsing(h, res.body.id);
      const job = await h.services.producer.queue('datasets').getJob(`${res.body.id}-parse-0`);
      const runner = parsers.find((c) => job?.processedBy?.endsWith(`-${c.child.pid}`));
      assert.ok(runner, `the job runs in one of the parsers (${job?.processedBy})`);
      runner.child.kill('SIGKILL');
      const dataset = await settled(h, res.body.id, 60_000);
      assert.equal(dataset.status, 'ready', JSON.stringify(dataset.error));
      assert.equal(dataset.rowCount, 1_000_000);
    });
  });
});
