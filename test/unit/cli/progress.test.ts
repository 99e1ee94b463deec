import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressReporter } from '../../../src/cli/client/progress.js';

/** A stand-in for process.stderr that keeps what was written. */
const stream = (isTTY: boolean) => {
  const written: string[] = [];
  return { written, target: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
};

test('on a terminal the bar is redrawn in place; a note ends it on its own line', () => {
  const { written, target } = stream(true);
  const progress = progressReporter({ json: false, stream: target });
  progress.update('running', 50, 200);
  progress.update('running', 200, 200);
  progress.note('done');
  assert.equal(written[0], `\rrunning [${'#'.repeat(8)}${'-'.repeat(22)}] 25% 50/200\x1b[K`);
  assert.match(written[1] ?? '', /^\rrunning \[#{30}\] 100% 200\/200/);
  assert.equal(written[2], '\ndone\n');
});

test('piped: one plain line per change, no carriage returns; --json: nothing at all', () => {
  const piped = stream(false);
  const progress = progressReporter({ json: false, stream: piped.target });
  progress.update('parsing', 0, 10);
  progress.update('parsing', 0, 10);
  progress.update('parsing', 10, 10);
  assert.deepEqual(piped.written, ['parsing 0/10\n', 'parsing 10/10\n']);
  const quiet = stream(true);
  const silent = progressReporter({ json: true, stream: quiet.target });
  silent.update('running', 1, 2);
  silent.note('x');
  assert.deepEqual(quiet.written, []);
});
