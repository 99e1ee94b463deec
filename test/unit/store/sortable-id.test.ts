import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { sortableId } from '../../../src/store/index.js';

describe('sortableId', () => {
  it('lists ids in the order they were made, with no colon (CouchDB ids, URLs, BullMQ job ids)', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      made.push(sortableId('mig', 4));
      await sleep(2);
    }
    assert.deepEqual([...made].sort(), made);
    for (const id of made) assert.match(id, /^mig-[0-9a-z]+-[0-9a-f]{8}$/);
  });

  it('two ids made in the same millisecond differ', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => sortableId('ds', 6)));
    assert.equal(ids.size, 1000);
  });
});
