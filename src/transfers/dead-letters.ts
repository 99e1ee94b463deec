import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { moveBatch } from './move-batch.js';
import { openTarget } from './open-ends.js';
import { BOUND_POLL_MS, keepDeadLetters, seenKeysOf } from './run-transfer.js';
import { deadLettersByKey, deleteDeadLetters, getTransfer, listDeadLetters, updateTransfer } from './store.js';

/**
 * A transfer's dead letters through its (maybe fixed) pipeline into its target again, a batch at a time: those
 * written are deleted, those refused again keep their new reason and one more attempt. `keys` (a page of the list)
 * limits the retry to those letters. Answers the counts.
 */
export async function retryDeadLetters(
  services: Services, transferId: string, keys?: string[],
): Promise<{ written: number; refused: number }> {
  const doc = await getTransfer(services.store, transferId);
  const letters = keys
    ? await deadLettersByKey(services.store, transferId, keys)
    : await listDeadLetters(services.store, transferId, 100_000);
  const target = await openTarget(services, doc);
  const context = { seenKeys: seenKeysOf(services, doc), now: new Date(doc.createdAt) };
  let written = 0;
  let refused = 0;
  try {
    for (let from = 0; from < letters.length; ) {
      // The bound holds for retries too: as many as the target has room for, waiting while it has none.
      const { free } = await target.room();
      if (free === 0) {
        await sleep(BOUND_POLL_MS);
        continue;
      }
      const part = letters.slice(from, from + Math.min(doc.batchSize, free ?? doc.batchSize));
      from += part.length;
      const moved = await moveBatch(part.map((l) => ({ key: l.key, record: l.record })), doc.pipeline, context, target);
      const again = new Set(moved.refused.map((r) => r.entry.key));
      await keepDeadLetters(services, transferId, moved.refused);
      await deleteDeadLetters(services.store, part.filter((l) => !again.has(l.key)));
      written += moved.written;
      refused += moved.refused.length;
      const gone = part.length - moved.refused.length;
      await updateTransfer(services.store, transferId, (d) => {
        const { recordsOut, skipped, deadLetters } = d.counts;
        const counts = { recordsOut: recordsOut + moved.written, skipped: skipped + moved.skipped, deadLetters: deadLetters - gone };
        return { ...d, counts: { ...d.counts, ...counts } };
      });
    }
  } finally {
    await target.close();
  }
  logger('worker', { transferId }).info({ written, refused }, 'dead letters retried');
  return { written, refused };
}
