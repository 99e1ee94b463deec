import { z } from 'zod';
import type { Store } from '../store/index.js';
import { deleteIdRange, getAttachment, idRange, isMissing, withRetry, writeOnConflict } from '../store/index.js';
import { COMPRESSED_CONTENT_TYPE, compressStored, unpackJson } from '../blobs/index.js';
import { toId18 } from '../salesforce/index.js';

/** Pairs per Id map chunk: ~40 bytes a pair as JSON, ~0.4 MB before gzip, far under Cloudant's 10 MB attachment. */
export const ID_MAP_CHUNK_PAIRS = 10_000;
const ATTACHMENT = 'pairs.json.gz';

/** One chunk of a plan run's Id map for one object: its source Id range, its pairs in an attachment. */
const IdMapChunkDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('idmap'),
  runId: z.string(),
  object: z.string(),
  index: z.number().int().nonnegative(),
  /** The smallest and largest source Id (18 characters) in the chunk. */
  first: z.string(),
  last: z.string(),
  count: z.number().int().nonnegative(),
});
type IdMapChunkDoc = z.infer<typeof IdMapChunkDoc>;

const prefix = (runId: string, object: string) => `idmap:${runId}:${object.toLowerCase()}:`;
const chunkDocId = (runId: string, object: string, index: number) =>
  `${prefix(runId, object)}${String(index).padStart(6, '0')}`;
const id18 = (id: string): string => toId18(id) ?? id;

/**
 * Stores one chunk of source Id -> target Id pairs (a batch's records, at most ID_MAP_CHUNK_PAIRS), sorted by source
 * Id.
 * Idempotent: writing the same chunk index again (a re-run batch) replaces it. Lives in the migrations database, one
 * document per chunk (never one per record).
 */
export async function writeIdMapChunk(
  store: Store, runId: string, object: string, index: number, pairs: [string, string][],
): Promise<void> {
  if (pairs.length > ID_MAP_CHUNK_PAIRS) throw new Error(`an Id map chunk holds at most ${ID_MAP_CHUNK_PAIRS} pairs`);
  const sorted = pairs
    .map(([source, target]): [string, string] => [id18(source), id18(target)])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const fields: IdMapChunkDoc = {
    _id: chunkDocId(runId, object, index), kind: 'idmap', runId, object, index,
    first: sorted[0]?.[0] ?? '', last: sorted.at(-1)?.[0] ?? '', count: sorted.length,
  };
  const data = await compressStored(Buffer.from(JSON.stringify(sorted)), 64 * 1024);
  const db = store.db<IdMapChunkDoc>('migrations');
  const attachments = { [ATTACHMENT]: { content_type: COMPRESSED_CONTENT_TYPE, data: data.toString('base64') } };
  // Two attempts of the same batch may write at once: the loser reads the revision again and replaces it.
  const replacement = async (): Promise<IdMapChunkDoc> => {
    await store.client.authorize();
    let rev: string | undefined;
    try {
      rev = (await withRetry(() => db.get(fields._id)))._rev;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    return { ...fields, ...(rev ? { _rev: rev } : {}), _attachments: attachments } as IdMapChunkDoc;
  };
  await writeOnConflict(replacement, (doc) => db.insert(doc), 5);
}

/**
 * Looks source Ids up in a plan run's Id map for one object. The chunks' ranges are read once; a lookup fetches only
 * the chunks whose range can hold a wanted Id, and keeps the last few in memory. Chunks written from a parent
 * exported in Id order hold disjoint ranges, so a child batch sorted by its lookup reads one or two of them.
 */
export class IdMapReader {
  private ranges?: Promise<IdMapChunkDoc[]>;
  private readonly cache = new Map<string, Map<string, string>>();

  constructor(
    private readonly store: Store, private readonly runId: string, private readonly object: string,
    private readonly cacheChunks = 4,
  ) {}

  /** The target Id of each source Id found (15 or 18 characters in; 18 out); absent ones are not in the map. */
  async lookup(sourceIds: Iterable<string>): Promise<Map<string, string>> {
    const ranges = await (this.ranges ??= this.readRanges());
    const found = new Map<string, string>();
    const byChunk = new Map<IdMapChunkDoc, string[]>();
    for (const raw of sourceIds) {
      const key = id18(raw);
      for (const chunk of ranges) {
        if (key < chunk.first || key > chunk.last) continue;
        byChunk.set(chunk, [...(byChunk.get(chunk) ?? []), raw]);
      }
    }
    for (const [chunk, wanted] of byChunk) {
      const pairs = await this.pairsOf(chunk);
      for (const raw of wanted) {
        const target = pairs.get(id18(raw));
        if (target) found.set(raw, target);
      }
    }
    return found;
  }

  private async readRanges(): Promise<IdMapChunkDoc[]> {
    const range = idRange(prefix(this.runId, this.object));
    await this.store.client.authorize();
    const query = { start_key: range.start, end_key: range.end, include_docs: true };
    const page = await withRetry(() => this.store.db('migrations').list(query));
    return page.rows.flatMap((row) => ('doc' in row && row.doc ? [IdMapChunkDoc.parse(row.doc)] : []));
  }

  private async pairsOf(chunk: IdMapChunkDoc): Promise<Map<string, string>> {
    const cached = this.cache.get(chunk._id);
    if (cached) return cached;
    const data = await withRetry(() => getAttachment(this.store, 'migrations', chunk._id, ATTACHMENT));
    const pairs = new Map(unpackJson<[string, string][]>(data));
    this.cache.set(chunk._id, pairs);
    if (this.cache.size > this.cacheChunks) this.cache.delete(this.cache.keys().next().value as string);
    return pairs;
  }
}

/** Deletes a plan run's whole Id map (every object's chunks). */
export const deleteIdMap = (store: Store, runId: string): Promise<number> =>
  deleteIdRange(store, 'migrations', idRange(`idmap:${runId}:`));
