import type { Services } from '../services.js';
import { idRange, withRetry } from '../store/index.js';
import { CHAIN_ID_PREFIX, GENESIS_HASH, chainId, entryHash, readChainHead, type ChainHead } from './chain.js';
import type { ChainBreak, ChainReport } from './model.js';

type StoredEntry = Record<string, unknown> & { _id: string };

const PAGE = 500;

/** The rows of every stored entry whose id starts with `prefix`, in id order, a page at a time (never the whole log in memory). */
async function* walkRows(services: Services, prefix: string, includeDocs: boolean): AsyncGenerator<{ id: string; doc?: StoredEntry | null }> {
  await services.store.client.authorize();
  const db = services.store.db<StoredEntry>('audit');
  const range = idRange(prefix);
  let startkey = range.start;
  for (;;) {
    const page = await withRetry(() => db.list({ startkey, endkey: range.end, limit: PAGE, include_docs: includeDocs }));
    yield* page.rows;
    if (page.rows.length < PAGE) return;
    startkey = `${page.rows.at(-1)?.id ?? prefix}\u0000`;
  }
}

/** Every stored entry whose id starts with `prefix`, in id order. */
export async function* walkEntries(services: Services, prefix: string): AsyncGenerator<StoredEntry> {
  for await (const row of walkRows(services, prefix, true)) if (row.doc) yield row.doc;
}

/** How many entries' ids start with `prefix` (ids only: the documents are not read). */
async function countEntries(services: Services, prefix: string): Promise<number> {
  let count = 0;
  for await (const _row of walkRows(services, prefix, false)) count++;
  return count;
}

const short = (hash: unknown) => (typeof hash === 'string' ? `${hash.slice(0, 12)}…` : 'none');

/** What is wrong with `entry` as the successor of `previous`, or undefined when it matches. */
function check(entry: StoredEntry, previous: ChainHead): ChainBreak | undefined {
  const expectedSeq = previous.seq + 1;
  const seq = typeof entry.seq === 'number' ? entry.seq : Number(entry._id.slice(CHAIN_ID_PREFIX.length));
  const at = typeof entry.at === 'string' ? entry.at : undefined;
  if (seq > expectedSeq) {
    const gone = seq - expectedSeq === 1 ? `Entry ${expectedSeq} is` : `Entries ${expectedSeq}-${seq - 1} are`;
    return {
      problem: 'missing', id: chainId(expectedSeq), seq: expectedSeq,
      message: `${gone} missing (deleted): entry ${seq} follows entry ${previous.seq}.`,
    };
  }
  const computed = entryHash(entry);
  if (entry._id !== chainId(seq) || computed !== entry.hash) {
    return {
      problem: 'content', id: entry._id, seq, at, expected: computed, found: String(entry.hash ?? ''),
      message: `Entry ${seq} was changed after it was written: its content hashes to ${short(computed)}, its stored hash is ${short(entry.hash)}.`,
    };
  }
  if (entry.prevHash !== previous.hash) {
    return {
      problem: 'link', id: entry._id, seq, at, expected: previous.hash, found: String(entry.prevHash ?? ''),
      message: `Entry ${seq} does not follow entry ${previous.seq}: its prevHash is ${short(entry.prevHash)}, entry ${previous.seq}'s hash is ${short(previous.hash)} (one of the two was rewritten).`,
    };
  }
  return undefined;
}

/** Walks the chain from its first entry and names the first that does not match (content, link, or a gap). */
export async function verifyAuditChain(services: Services): Promise<ChainReport> {
  let previous: ChainHead = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  const unchained = await countEntries(services, 'audit:2');
  const report = (firstBreak?: ChainBreak): ChainReport => ({
    ok: !firstBreak, checked, unchained, head: previous.seq > 0 ? previous : undefined, firstBreak, verifiedAt: new Date().toISOString(),
  });
  for await (const entry of walkEntries(services, CHAIN_ID_PREFIX)) {
    const broken = check(entry, previous);
    if (broken) return report(broken);
    checked++;
    previous = { seq: entry.seq as number, hash: entry.hash as string };
  }
  // The last entries deleted leave no gap to see: the head the writers keep in Redis still names them.
  const head = await readChainHead(services);
  if (head && head.seq > previous.seq) {
    const seq = previous.seq + 1;
    return report({ problem: 'missing', id: chainId(seq), seq, message: `Entries ${seq}-${head.seq} are missing (deleted): the chain was written up to entry ${head.seq}.` });
  }
  return report();
}

/**
 * Every entry as one JSON line (without CouchDB's `_rev`), oldest first: the entries from before the chain, then
 * the chain in order. `write` resolves when the line may be followed (back-pressure).
 */
export async function exportAudit(services: Services, write: (line: string) => Promise<void>): Promise<number> {
  let count = 0;
  for (const prefix of ['audit:2', CHAIN_ID_PREFIX]) {
    for await (const { _rev: _revision, ...entry } of walkEntries(services, prefix)) {
      await write(`${JSON.stringify(entry)}\n`);
      count++;
    }
  }
  return count;
}
