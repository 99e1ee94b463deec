import { z } from 'zod';
import { RowMessage } from '../row-messages/index.js';
import { Pipeline } from '../frame/index.js';
import { SealedBox } from '../connections/index.js';
import { CHUNK_ROWS } from '../datasets/index.js';

/** A name in Redis, RabbitMQ or CouchDB: printable, no spaces. */
const name = z.string().trim().min(1).max(200).regex(/^[^\s]+$/, 'no spaces');
/** Where a Redis, RabbitMQ or CouchDB endpoint is; absent means DMS's own Redis or CouchDB. Sealed when stored. */
const url = z.string().trim().url().max(2000).optional();

export const RedisStreamSource = z.object({ kind: z.literal('redis-stream'), url, stream: name, group: name.default('dms-transfer') });
export const RabbitQueueSource = z.object({ kind: z.literal('rabbitmq-queue'), url, queue: name });
export const CouchChangesSource = z.object({ kind: z.literal('couch-changes'), url, database: name });
export const DatasetSource = z.object({ kind: z.literal('dataset'), datasetId: z.string().min(1).max(100) });
/**
 * A Salesforce query (SELECT fields FROM object [WHERE ...]; DMS adds the ORDER BY and LIMIT). Once: every row, in
 * Id order. Continuous: then, every `intervalSeconds`, the records changed since the last SystemModstamp seen, once
 * they are `settleSeconds` old.
 */
export const SalesforceQuerySource = z.object({
  kind: z.literal('salesforce-query'),
  connectionId: z.string().trim().min(1).max(100).default('local'),
  soql: z.string().trim().min(1).max(100_000),
  /** Deleted and archived records too (queryAll). */
  queryAll: z.boolean().default(false),
  /** One-shot reads: REST, Bulk API 2.0 query, or Bulk when the query gives more than 10,000 records. */
  api: z.enum(['auto', 'rest', 'bulk']).default('auto'),
  intervalSeconds: z.number().int().min(1).max(86_400).default(30),
  /**
   * Continuous: a change is read once it is this old by DMS's clock. Salesforce stamps whole seconds, so every change
   * of one second is then read together (none lands behind the position with a lower Id); more than the clocks' skew.
   */
  settleSeconds: z.number().int().min(1).max(3600).default(5),
});

export const SourceRequest = z.discriminatedUnion('kind', [
  RedisStreamSource, RabbitQueueSource, CouchChangesSource, DatasetSource, SalesforceQuerySource,
]);
export type SourceRequest = z.infer<typeof SourceRequest>;

/** A target's records told apart (a Redis Stream, a dataset), so that a batch read again after a crash is not doubled. */
const recordKeys = {
  /**
   * The fields that identify a record (Id; Id and SystemModstamp for a continuous query): a record whose key was
   * written within `keyWindowSeconds` is not written again.
   */
  keyFields: z.array(z.string().min(1).max(255)).min(1).max(10).optional(),
  keyWindowSeconds: z.number().int().min(1).max(7 * 86_400).default(3600),
};

export const RedisStreamTarget = z.object({ kind: z.literal('redis-stream'), url, stream: name, ...recordKeys });
export const RabbitExchangeTarget = z.object({
  kind: z.literal('rabbitmq-exchange'), url, exchange: z.string().trim().max(200), routingKey: z.string().max(255).default(''),
  /** The queue whose depth is the bound (the one the exchange feeds). */
  boundQueue: name.optional(),
});
export const CouchDatabaseTarget = z.object({
  kind: z.literal('couch-database'), url, database: name,
  /** The record field that becomes the document's _id, so a repeated batch updates instead of adding. */
  idField: z.string().min(1).max(255).optional(),
});
export const SalesforceTarget = z.object({
  kind: z.literal('salesforce'),
  connectionId: z.string().trim().min(1).max(100).default('local'),
  object: z.string().trim().min(1).max(80),
  externalIdField: z.string().trim().min(1).max(80),
  api: z.enum(['auto', 'collections', 'bulk']).default('auto'),
  /** API calls kept for everything else that uses the org (on top of 5 % of the daily allowance). */
  reserveCalls: z.number().int().nonnegative().default(0),
});

/** A new DMS dataset the transfer fills (its `bound` is a row limit); ready when a one-shot transfer ends. */
export const DatasetTarget = z.object({ kind: z.literal('dataset'), name: z.string().trim().min(1).max(200).optional(), ...recordKeys });

export const TargetRequest = z.discriminatedUnion('kind', [
  RedisStreamTarget, RabbitExchangeTarget, CouchDatabaseTarget, SalesforceTarget, DatasetTarget,
]);
export type TargetRequest = z.infer<typeof TargetRequest>;

/** Records per batch when a request gives none. */
const DEFAULT_BATCH_SIZE = 500;
/**
 * Into a dataset: a chunk's rows. Its last, partial chunk is written again whole with each batch, so
 * batches of 500 wrote each row ~5 times (200,000 stream entries: 16.9 s, against 4.7 s in batches of 5,000).
 */
const DATASET_BATCH_SIZE = CHUNK_ROWS;

export const defaultBatchSize = (target: { kind: string }): number => (target.kind === 'dataset' ? DATASET_BATCH_SIZE : DEFAULT_BATCH_SIZE);

/** `POST /api/v1/transfers`. `bound`: the most the target may hold (stream length, queue depth, doc count). */
export const TransferRequest = z.object({
  name: z.string().trim().max(200).optional(),
  source: SourceRequest,
  target: TargetRequest,
  pipeline: Pipeline.default([]),
  /** Records per batch; empty: DEFAULT_BATCH_SIZE, or DATASET_BATCH_SIZE into a dataset (see defaultBatchSize). */
  batchSize: z.number().int().min(1).max(50_000).optional(),
  bound: z.number().int().positive().optional(),
  /** once: ends when the source is empty; continuous: keeps draining as records arrive until stopped. */
  mode: z.enum(['once', 'continuous']).default('once'),
});
export type TransferRequest = z.input<typeof TransferRequest>;

export const TRANSFER_STATUSES = ['running', 'waiting', 'paused', 'stopped', 'completed', 'failed'] as const;
export const TransferStatus = z.enum(TRANSFER_STATUSES);
export type TransferStatus = z.infer<typeof TransferStatus>;
/** A transfer in one of these ends no more batches until it is resumed (paused) or never again. */
export const isFinished = (status: TransferStatus): boolean => status === 'stopped' || status === 'completed' || status === 'failed';

/** Stored source and target: as requested, without their URLs (sealed apart in `endpoints`). */
const noUrl = { url: true } as const;
export const StoredSource = z.discriminatedUnion('kind', [
  RedisStreamSource.omit(noUrl), RabbitQueueSource.omit(noUrl), CouchChangesSource.omit(noUrl), DatasetSource, SalesforceQuerySource,
]);
export type StoredSource = z.infer<typeof StoredSource>;
export const StoredTarget = z.discriminatedUnion('kind', [
  RedisStreamTarget.omit(noUrl), RabbitExchangeTarget.omit(noUrl), CouchDatabaseTarget.omit(noUrl), SalesforceTarget,
  /** The dataset made when the transfer was created. */
  DatasetTarget.extend({ datasetId: z.string().min(1).max(100) }),
]);
export type StoredTarget = z.infer<typeof StoredTarget>;

/** The endpoints' URLs (they carry passwords), sealed with SECRET_KEY like a Salesforce connection's secrets. */
export const Endpoints = z.object({ source: z.string().optional(), target: z.string().optional() });
export type Endpoints = z.infer<typeof Endpoints>;

export const TransferCounts = z.object({
  /** Records read from the source; out = written and confirmed by the target. */
  recordsIn: z.number().int().nonnegative().default(0),
  recordsOut: z.number().int().nonnegative().default(0),
  /** Removed by a pipeline step (filter, dedupe): acknowledged, not written. */
  skipped: z.number().int().nonnegative().default(0),
  deadLetters: z.number().int().nonnegative().default(0),
  batches: z.number().int().nonnegative().default(0),
  /** Batches that failed as a whole and were read again. */
  errors: z.number().int().nonnegative().default(0),
});
export type TransferCounts = z.infer<typeof TransferCounts>;

/** Why the transfer waits: the target is full (what it holds against the bound) until `since` + room. */
export const BoundState = z.object({
  full: z.boolean(),
  used: z.number().optional(),
  limit: z.number().optional(),
  reason: z.string().max(500).optional(),
  since: z.string().optional(),
});
export type BoundState = z.infer<typeof BoundState>;

export const TransferDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('transfer'),
  name: z.string(),
  source: StoredSource,
  target: StoredTarget,
  endpoints: SealedBox,
  pipeline: Pipeline,
  batchSize: z.number().int().positive(),
  bound: z.number().int().positive().optional(),
  mode: z.enum(['once', 'continuous']),
  status: TransferStatus,
  /** The saved transfer this one is a scheduled run of (its definition); its runs read as one stream consumer. */
  definitionId: z.string().optional(),
  /** Incremented by each resume: the job id of a run, so a resumed transfer gets a new job. */
  run: z.number().int().nonnegative(),
  /** The source's resumable position when it has one of its own (a changes sequence, a dataset row). */
  position: z.string().optional(),
  counts: TransferCounts,
  /** Entries pending in the source (stream pending + unread, queue depth), as last seen. */
  lag: z.number().int().nonnegative().optional(),
  boundState: BoundState.default({ full: false }),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type TransferDoc = z.infer<typeof TransferDoc>;

export type TransferRecord = Record<string, string | number | boolean | null>;

/** A value read from JSON as a record's field: scalars as they are, nested values as their JSON text. */
export function fieldValue(value: unknown): TransferRecord[string] {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** A record the pipeline or the target refused, kept with why, until it is retried or dropped. */
export const DeadLetterDoc = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  kind: z.literal('dead-letter'),
  transferId: z.string(),
  /** The record's key in its source: stream entry id, message id or delivery tag, document id, row number. */
  key: z.string(),
  record: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  code: z.string(),
  reason: z.string(),
  /** The reason by its catalogue key, when DMS's pipeline wrote it. */
  i18n: RowMessage.optional(),
  attempts: z.number().int().positive(),
  at: z.string(),
});
export type DeadLetterDoc = z.infer<typeof DeadLetterDoc>;

export const DeadLetterRetry = z.object({
  /** The fix: a new pipeline for the transfer, saved and used for the retried records and the ones after. */
  pipeline: Pipeline.optional(),
  /** Only these dead letters (their source keys, e.g. one page of the list); all of them without it. */
  keys: z.array(z.string().min(1).max(300)).min(1).max(1000).optional(),
});

/** `GET …/dead-letters?page=&pageSize=`: one page, oldest first. */
export const DeadLetterPage = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type DeadLetterPage = z.infer<typeof DeadLetterPage>;
