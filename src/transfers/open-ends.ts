import nano from 'nano';
import { Redis } from 'ioredis';
import type { Services } from '../services.js';
import { open, seal, secretKey, type SealedBox } from '../connections/index.js';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { sessionFor } from '../salesforce/index.js';
import type { TransferSource, TransferTarget } from './ends.js';
import {
  Endpoints, type SourceRequest, type StoredSource, type StoredTarget, type TargetRequest, type TransferDoc,
} from './model.js';
import { connectRabbit } from './rabbitmq.js';
import { CouchChangesSource } from './sources/couch-changes.js';
import { DatasetSource } from './sources/dataset.js';
import { RabbitQueueSource } from './sources/rabbitmq-queue.js';
import { RedisStreamSource } from './sources/redis-stream.js';
import { CouchDatabaseTarget } from './targets/couch-database.js';
import { RabbitExchangeTarget } from './targets/rabbitmq-exchange.js';
import { RedisStreamTarget } from './targets/redis-stream.js';
import { SalesforceTarget } from './targets/salesforce.js';
import { DatasetTarget, createTransferDataset, type DatasetEnd } from './targets/dataset.js';
import { DatasetWrittenKeys } from './targets/dataset-keys.js';
import { SalesforceQuerySource } from './sources/salesforce-query.js';
import { keysetQuery, type KeysetQuery } from './sources/keyset-query.js';
import { checkQuery, describeLoader } from '../exports/index.js';

const urlOf = (end: SourceRequest | TargetRequest): string | undefined => ('url' in end ? end.url : undefined);

/** The endpoints' URLs sealed for the transfer document (bound to its id), and the ends without them. */
export function sealEndpoints(
  services: Services, docId: string, source: SourceRequest, target: TargetRequest,
): { endpoints: SealedBox; source: StoredSource; target: StoredTarget } {
  const endpoints: Endpoints = { source: urlOf(source), target: urlOf(target) };
  const strip = <T extends SourceRequest | TargetRequest>(end: T) => {
    const { url: _url, ...rest } = end as T & { url?: string };
    return rest;
  };
  return {
    endpoints: seal(secretKey(services.config), JSON.stringify(endpoints), docId),
    source: strip(source) as StoredSource,
    target: strip(target) as StoredTarget,
  };
}

function endpointsOf(services: Services, doc: TransferDoc): Endpoints {
  return Endpoints.parse(JSON.parse(open(secretKey(services.config), doc.endpoints, doc._id)));
}

function redisAt(services: Services, url: string | undefined): Redis {
  const at = url ?? services.config.redis?.url;
  if (!at) throw new AppError('TRANSFER_ENDPOINT_MISSING', 400, 'The transfer names no Redis URL and DMS has no Redis of its own configured.');
  const redis = new Redis(at, { maxRetriesPerRequest: 3, connectionName: 'dms-transfer' });
  redis.on('error', (err: Error) => logger('worker').warn({ err }, 'transfer Redis connection error'));
  return redis;
}

function couchAt(services: Services, url: string | undefined, database: string) {
  const at = url ?? services.config.couch?.url;
  if (!at) throw new AppError('TRANSFER_ENDPOINT_MISSING', 400, 'The transfer names no CouchDB URL and DMS has no CouchDB of its own configured.');
  return nano(at).use(database);
}

function rabbitUrl(url: string | undefined): string {
  if (!url) throw new AppError('TRANSFER_ENDPOINT_MISSING', 400, 'A RabbitMQ end needs its URL (amqp://user:password@host:5672/vhost).');
  return url;
}

type QueryEnd = Extract<StoredSource, { kind: 'salesforce-query' }>;

/** A query source's SOQL checked against the org's describe (the export's checks) and split for paging. */
async function checkedQuery(services: Services, source: QueryEnd, mode: TransferDoc['mode']): Promise<KeysetQuery> {
  return keysetQuery(await checkQuery(source.soql, describeLoader(services, source.connectionId)), mode === 'continuous');
}

async function openQuerySource(services: Services, doc: TransferDoc, source: QueryEnd): Promise<SalesforceQuerySource> {
  const query = await checkedQuery(services, source, doc.mode);
  const positionKey = `${services.config.queue.prefix}:transfer:${doc._id}:position`;
  const options = {
    queryAll: source.queryAll, api: source.api, intervalMs: source.intervalSeconds * 1000, settleMs: source.settleSeconds * 1000, positionKey,
  };
  return SalesforceQuerySource.open(await sessionFor(services, source.connectionId), services.redis, query, options, doc.position);
}

/**
 * What a new transfer's ends need before it starts: a query source's SOQL checked (refused at once, 400, when the
 * org would refuse it), a dataset target's dataset made. Returns the target as stored.
 */
export async function prepareEnds(
  services: Services, transfer: { id: string; name: string; mode: TransferDoc['mode']; createdBy: string; createdAt: string },
  source: StoredSource, target: StoredTarget,
): Promise<StoredTarget> {
  if (source.kind === 'salesforce-query') await checkedQuery(services, source, transfer.mode);
  if (target.kind !== 'dataset') return target;
  const dataset = await createTransferDataset(services.store, { ...transfer, name: target.name ?? transfer.name });
  return { ...target, datasetId: dataset._id };
}

/**
 * This transfer's reader in a stream's group: its own, or for a scheduled run its definition's, so a run reads first
 * what an earlier run (or the definition) read and did not acknowledge.
 */
const consumerOf = (doc: TransferDoc): string => `transfer-${doc.definitionId ? `transfer:${doc.definitionId}` : doc._id}`;

/** Opens the transfer's source with its sealed URL. */
export async function openSource(services: Services, doc: TransferDoc): Promise<TransferSource> {
  const url = endpointsOf(services, doc).source;
  const source = doc.source;
  switch (source.kind) {
    case 'redis-stream':
      return RedisStreamSource.open(redisAt(services, url), source.stream, source.group, consumerOf(doc));
    case 'rabbitmq-queue':
      return RabbitQueueSource.open(await connectRabbit(rabbitUrl(url)), source.queue, doc.batchSize);
    case 'couch-changes':
      return new CouchChangesSource(couchAt(services, url, source.database), doc.position ?? '0');
    case 'dataset':
      return DatasetSource.open(services.store, source.datasetId, doc.position);
    case 'salesforce-query':
      return openQuerySource(services, doc, source);
  }
}

type KeyedEnd = Extract<StoredTarget, { kind: 'redis-stream' | 'dataset' }>;
const recordKeys = (target: KeyedEnd) => target.keyFields && { fields: target.keyFields, windowMs: target.keyWindowSeconds * 1000 };

/** A dataset target's end; with key fields, the keys of its rows kept in DMS's Redis. */
function datasetEnd(services: Services, doc: TransferDoc, target: Extract<StoredTarget, { kind: 'dataset' }>): DatasetEnd {
  const keys = recordKeys(target);
  const base = `${services.config.queue.prefix}:dataset:${target.datasetId}:written-keys`;
  const written = keys && { fields: keys.fields, written: new DatasetWrittenKeys(services.redis, base, keys.windowMs) };
  return { datasetId: target.datasetId, bound: doc.bound, ...(written ? { keys: written } : {}) };
}

export async function openTarget(services: Services, doc: TransferDoc): Promise<TransferTarget> {
  const url = endpointsOf(services, doc).target;
  const target = doc.target;
  switch (target.kind) {
    case 'redis-stream':
      return new RedisStreamTarget(redisAt(services, url), target.stream, doc.bound, recordKeys(target));
    case 'rabbitmq-exchange':
      return RabbitExchangeTarget.open(await connectRabbit(rabbitUrl(url)), target.exchange, target.routingKey, target.boundQueue, doc.bound);
    case 'couch-database':
      return new CouchDatabaseTarget(couchAt(services, url, target.database), target.idField, doc.bound);
    case 'salesforce':
      return new SalesforceTarget(services.redis, await sessionFor(services, target.connectionId), target);
    case 'dataset':
      return DatasetTarget.open(services.store, services.redis, datasetEnd(services, doc, target));
  }
}

/** A transfer's endpoints sealed again for another document (a scheduled run copies its saved definition). */
export function resealEndpoints(services: Services, from: TransferDoc, docId: string): SealedBox {
  return seal(secretKey(services.config), JSON.stringify(endpointsOf(services, from)), docId);
}
