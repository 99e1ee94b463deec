import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeParse, type DatasetDoc } from '../../../src/datasets/index.js';
import type { JobLiveness } from '../../../src/queue/index.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const LOCK_MS = 30_000;
const idleFor = (ms: number, status: DatasetDoc['status'] = 'parsing') =>
  ({ status, updatedAt: new Date(NOW - ms).toISOString() }) as DatasetDoc;
const codeOf = (doc: DatasetDoc, job: JobLiveness) => judgeParse(doc, job, NOW, LOCK_MS)?.code;

test('a parse that is queued, or running and moving, is left alone; one still for 15 minutes is stopped', () => {
  assert.equal(codeOf(idleFor(3_600_000, 'uploaded'), { state: 'queued' }), undefined);
  assert.equal(codeOf(idleFor(14 * 60_000), { state: 'running' }), undefined);
  assert.equal(codeOf(idleFor(16 * 60_000), { state: 'running' }), 'PARSE_STALLED');
});

test('a parse whose process died fails at once when no parser is left, after two locks and a sweep when one is', () => {
  assert.equal(codeOf(idleFor(1000), { state: 'orphaned', workersLeft: 0 }), 'PARSE_ABANDONED');
  assert.equal(codeOf(idleFor(60_000), { state: 'orphaned', workersLeft: 1 }), undefined);
  assert.equal(codeOf(idleFor(71_000), { state: 'orphaned', workersLeft: 1 }), 'PARSE_ABANDONED');
});

test('a job failed for good or finished without a result fails the dataset, with the reason', () => {
  const failed = judgeParse(idleFor(0), { state: 'failed', reason: 'error happened in your connection' }, NOW, LOCK_MS);
  assert.equal(failed?.code, 'PARSE_ABANDONED');
  assert.match(failed?.message ?? '', /retries are used up \(last error: error happened in your connection\)/);
  assert.equal(codeOf(idleFor(0), { state: 'completed' }), 'PARSE_ABANDONED');
});

test('no job: an upload gets 5 minutes to store its first part, a queued dataset 30 seconds to be enqueued', () => {
  assert.equal(codeOf(idleFor(4 * 60_000, 'uploading'), { state: 'missing' }), undefined);
  assert.equal(codeOf(idleFor(6 * 60_000, 'uploading'), { state: 'missing' }), 'UPLOAD_STALLED');
  assert.equal(codeOf(idleFor(10_000, 'uploaded'), { state: 'missing' }), undefined);
  assert.equal(codeOf(idleFor(40_000, 'uploaded'), { state: 'missing' }), 'PARSE_ABANDONED');
});
