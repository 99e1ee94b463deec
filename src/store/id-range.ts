import type { Store } from './store.js';
import type { DatabaseName } from './schema.js';
import { withRetry } from './retry.js';

/** Above every character a DMS id uses: `prefix + ID_RANGE_END` ends the range of ids that start with prefix. */
const ID_RANGE_END = '\ufff0';

/** The ids that start with `prefix` and sort at or after `prefix + from` (raw order, as _all_docs sorts them). */
export const idRange = (prefix: string, from = ''): { start: string; end: string } => ({ start: `${prefix}${from}`, end: `${prefix}${ID_RANGE_END}` });

/**
 * Deletes every document of an id range, a page at a time; returns how many. Reads `_all_docs`, which needs no
 * index and counts as a plain read on Cloudant (a `_find` is a costlier global query). `goOn`, asked before each
 * page, stops the deletion early. A document rewritten after its page was listed is kept (its revision changed).
 */
export async function deleteIdRange(
  store: Store,
  db: DatabaseName,
  range: { start: string; end: string },
  goOn?: () => Promise<boolean>,
): Promise<number> {
  const scope = store.db(db);
  let deleted = 0;
  for (;;) {
    if (goOn && !(await goOn())) return deleted;
    await store.client.authorize();
    const page = await withRetry(() => scope.list({ start_key: range.start, end_key: range.end, limit: 500 }));
    if (page.rows.length === 0) return deleted;
    await withRetry(() => scope.bulk({ docs: page.rows.map((row) => ({ _id: row.id, _rev: row.value.rev, _deleted: true })) }));
    deleted += page.rows.length;
  }
}
