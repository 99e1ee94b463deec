import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from '../../../src/cli/client/exit.js';
import { saveBody } from '../../../src/cli/client/download.js';

/** A response whose body sends some bytes, then ends or breaks (the server cut the connection). */
const response = (cut: boolean) => new Response(new ReadableStream<Uint8Array>({
  start(controller) {
    controller.enqueue(new TextEncoder().encode('"ID","NAME"\n"001","Acme"\n'));
    if (cut) controller.error(new Error('socket hang up'));
    else controller.close();
  },
}));

test('a whole download is saved; one cut off half-way leaves no file and exits 3', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dms-download-'));
  try {
    const whole = join(dir, 'whole.csv');
    await saveBody(response(false), whole, 'empty');
    assert.equal(await readFile(whole, 'utf8'), '"ID","NAME"\n"001","Acme"\n');

    const cut = join(dir, 'cut.csv');
    await assert.rejects(saveBody(response(true), cut, 'empty'), (error: unknown) =>
      error instanceof CliError && error.exitCode === EXIT.refused && /cut off \(socket hang up\)/.test(error.message));
    assert.equal(existsSync(cut), false, 'no partial file');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
