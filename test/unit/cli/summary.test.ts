import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeOf, isEnded, summaryLine, type StatusView } from '../../../src/cli/client/migrations.js';

const status = (state: string, approval?: StatusView['migration']['approval']): StatusView => ({
  migration: { id: 'mig-1', name: 'Prod load', state, object: 'Account', operation: 'insert', approval },
  totals: { rows: 3, succeeded: 0, failed: 0, skipped: 0 }, processed: 0, percent: 0,
});

test('dms status says a production run awaits approval, and who asked', () => {
  const waiting = status('awaiting_approval', { action: 'start', decision: 'pending', requestedBy: 'olga' });
  assert.match(summaryLine(waiting), /^mig-1 awaiting_approval \(awaiting approval: olga asked; .*\/api\/v1\/migrations\/mig-1\/approve\)/);
  assert.equal(isEnded(waiting), false);
});

test('a rejected run has ended with its reason and exits 3', () => {
  const rejected = status('rejected', { action: 'start', decision: 'rejected', requestedBy: 'olga', decidedBy: 'rita', reason: 'Wrong file' });
  assert.match(summaryLine(rejected), /\(rejected by rita: Wrong file\)/);
  assert.equal(isEnded(rejected), true);
  assert.equal(exitCodeOf(rejected), 3);
});
