// The request mix of one end-to-end run (102 MB CSV of 1M rows uploaded and migrated into the Local org), as the
// server saw it: 2 MB blob pieces, chunk documents written eight to a _bulk_docs and read back as attachments, user
// look-ups, migration and batch document saves and reads, _all_docs by keys, outcome attachments, _find.
import { randomBytes } from 'node:crypto';
import { createStore, getAttachment, putAttachment, type Store } from '../../src/store/index.js';

const CHUNKS_PER_BULK = 8;
const BLOB_PIECE_BYTES = 2 * 1024 * 1024;
const CHUNK_BYTES = 96 * 1024;
const OUTCOME_BYTES = 48 * 1024;
const IN_FLIGHT = 4;

/** Requests of each kind at scale 1 (counted from one run's server log). */
const COUNTS = {
  blobPuts: 49,
  blobGets: 53,
  chunkBulks: 32,
  chunkGets: 460,
  userGets: 250,
  migrationSaves: 221,
  batchGets: 111,
  allDocs: 92,
  datasetGets: 58,
  outcomeGets: 55,
  batchAttachmentPuts: 40,
  finds: 25,
};

type Request = () => Promise<unknown>;

/** Runs `requests` with `inFlight` at a time, in order of start. */
async function runAll(requests: Request[], inFlight: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < requests.length) await requests[next++]();
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/** The same order every run: a linear congruential shuffle with a fixed seed. */
function shuffled<T>(items: T[]): T[] {
  let seed = 18;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const times = (n: number, make: (i: number) => Request): Request[] => Array.from({ length: n }, (_, i) => make(i));
const chunkId = (i: number) => `ds1:chunk:${String(i).padStart(6, '0')}`;
/** The ids of one _bulk_docs' worth of chunks from `first`, wrapping around `chunks`. */
const chunkIds = (first: number, chunks: number) => Array.from({ length: CHUNKS_PER_BULK }, (_, k) => chunkId((first + k) % chunks));

function chunkBulk(store: Store, first: number, bytes: Buffer): Request {
  const docs = Array.from({ length: CHUNKS_PER_BULK }, (_, k) => ({
    _id: chunkId(first + k),
    datasetId: 'ds1',
    index: first + k,
    rows: 2_200,
    _attachments: { 'rows.json.gz': { content_type: 'application/gzip', data: bytes.toString('base64') } },
  }));
  return () => store.db('datasets').bulk({ docs });
}

const putOutcomes = (store: Store, batch: number, data: Buffer) =>
  putAttachment(store, 'migrations', `m1:batch:${batch}`, 'outcomes.json.gz', data, 'application/gzip');

/** Writes what the reads need: user, dataset, blob pieces, chunks, batch documents with outcomes. */
function writes(store: Store, scale: number, data: Buffer): Request[] {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  const chunk = data.subarray(0, CHUNK_BYTES);
  const outcome = data.subarray(0, OUTCOME_BYTES);
  return [
    () => store.db('users').insert({ _id: 'user:admin', username: 'admin', roles: ['admin'] } as never),
    () => store.db('datasets').insert({ _id: 'ds1', kind: 'dataset', status: 'ready', createdAt: new Date().toISOString() } as never),
    ...times(n(COUNTS.blobPuts), (i) => () => putAttachment(store, 'blobs', `blob1:${i}`, 'data', data, 'application/octet-stream')),
    ...times(n(COUNTS.chunkBulks), (i) => chunkBulk(store, i * CHUNKS_PER_BULK, chunk)),
    ...times(n(COUNTS.batchAttachmentPuts), (i) => () => putOutcomes(store, i, outcome)),
  ];
}

const migrationEvent = (i: number, batches: number) =>
  ({ _id: `m1:event:${i}`, kind: 'event', migrationId: 'm1', batch: i % batches, at: Date.now() }) as never;

/** The run's reads and saves, shuffled as concurrent batches interleave them. */
function reads(store: Store, scale: number): Request[] {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  const chunks = n(COUNTS.chunkBulks) * CHUNKS_PER_BULK;
  const batches = n(COUNTS.batchAttachmentPuts);
  const migrations = store.db('migrations');
  return shuffled([
    ...times(n(COUNTS.userGets), () => () => store.db('users').get('user:admin')),
    ...times(n(COUNTS.migrationSaves), (i) => () => migrations.insert(migrationEvent(i, batches))),
    ...times(n(COUNTS.batchGets), (i) => () => migrations.get(`m1:batch:${i % batches}`)),
    ...times(n(COUNTS.allDocs), (i) => () => store.db('datasets').fetch({ keys: chunkIds(i * CHUNKS_PER_BULK, chunks) })),
    ...times(n(COUNTS.datasetGets), () => () => store.db('datasets').get('ds1')),
    ...times(n(COUNTS.chunkGets), (i) => () => getAttachment(store, 'datasets', chunkId(i % chunks), 'rows.json.gz')),
    ...times(n(COUNTS.outcomeGets), (i) => () => getAttachment(store, 'migrations', `m1:batch:${i % batches}`, 'outcomes.json.gz')),
    ...times(n(COUNTS.blobGets), (i) => () => getAttachment(store, 'blobs', `blob1:${i % n(COUNTS.blobPuts)}`, 'data')),
    ...times(n(COUNTS.finds), () => () => migrations.find({ selector: { migrationId: 'm1', batch: { $gte: 0 } }, limit: 50 })),
  ]);
}

/**
 * Makes DMS's databases and indexes (twice, as the web process and a worker each do at start), then the writes, then
 * the reads; returns the server's CPU seconds over all of it (`serverCpu` reads them) and the number of requests.
 */
export async function runRequestMix(
  url: string,
  scale: number,
  serverCpu: () => number,
): Promise<{ cpuSeconds: number; requests: number }> {
  const store = createStore({ url, source: 'COUCHDB_URL', dbPrefix: 'dms_' });
  const data = randomBytes(BLOB_PIECE_BYTES);
  const before = serverCpu();
  await store.ensureSchema();
  await store.ensureSchema();
  const writeRequests = writes(store, scale, data);
  await runAll(writeRequests, 2);
  const readRequests = reads(store, scale);
  await runAll(readRequests, IN_FLIGHT);
  return { cpuSeconds: serverCpu() - before, requests: writeRequests.length + readRequests.length };
}

/** `count` document reads one after another (the mix's data must be in place): the cost of a request beyond its data. */
export async function runDocumentReads(url: string, count: number, serverCpu: () => number): Promise<number> {
  const users = createStore({ url, source: 'COUCHDB_URL', dbPrefix: 'dms_' }).db('users');
  const before = serverCpu();
  for (let i = 0; i < count; i++) await users.get('user:admin');
  return serverCpu() - before;
}
