import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { connect, type ChannelModel } from 'amqplib';
import { after, before } from 'node:test';
import { startExportHarness, type ExportHarness } from '../exports/support.js';

export { startExportHarness as startTransferHarness, type ExportHarness as TransferHarness } from '../exports/support.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const RABBIT_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A name no other test uses (streams, queues, databases on the shared servers). */
export const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Unique stream names for one test file, all deleted by `drop` at its end. */
export function streamNames() {
  const made: string[] = [];
  return {
    name(prefix: string): string {
      const name = unique(prefix);
      made.push(name);
      return name;
    },
    async drop(redis: Redis): Promise<void> {
      if (made.length > 0) await redis.del(...made);
    },
  };
}

export interface TransferBody {
  id: string; status: string; lag?: number; position?: string; error?: { code: string; message: string };
  counts: { recordsIn: number; recordsOut: number; skipped: number; deadLetters: number; batches: number; errors: number };
  boundState: { full: boolean; used?: number; limit?: number; reason?: string };
}

/** Stream names for one test file, each unique, all deleted at its end. */
export class StreamNames {
  readonly names: string[] = [];
  constructor(private readonly redis: Redis) {}
  add(prefix: string): string {
    const name = unique(prefix);
    this.names.push(name);
    return name;
  }
  async drop(): Promise<void> {
    if (this.names.length > 0) await this.redis.del(...this.names);
  }
}

/**
 * A describe's shared setup, called in its body: the app with a worker and the Local org, a Redis client, and the
 * streams its tests name (deleted after). The fields are set once its `before` has run.
 */
export function transferSuite(): TransferSuite {
  const suite = { stream: (prefix: string) => suite.streams.add(prefix) } as TransferSuite;
  before(async () => {
    suite.h = await startExportHarness();
    suite.redis = newRedis();
    suite.streams = new StreamNames(suite.redis);
  });
  after(async () => {
    await suite.streams.drop();
    suite.redis.disconnect();
    await suite.h.close();
  });
  return suite;
}
export interface TransferSuite { h: ExportHarness; redis: Redis; streams: StreamNames; stream(prefix: string): string }

/** Slows every answer of the Local org (ms), so that a worker is caught mid-transfer. */
export const setLatency = (h: ExportHarness, latency: number) => fetch(`${h.emulator.url}/__emulator/faults`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latency }),
});

/** Polls the transfer through the API until `done` says so. */
export async function waitForTransfer(
  h: ExportHarness, id: string, done: (t: TransferBody) => boolean, timeoutMs = 60_000,
): Promise<TransferBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await h.get(`/api/v1/transfers/${id}`).expect(200)).body as TransferBody;
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`transfer ${id} did not get there: ${JSON.stringify(body)}`);
    await sleep(100);
  }
}

export const ended = (t: TransferBody) => ['completed', 'failed', 'stopped'].includes(t.status);

/** XADDs records as entries, in one pipeline. */
export async function fillStream(redis: Redis, stream: string, records: Record<string, string>[]): Promise<void> {
  for (let from = 0; from < records.length; from += 5000) {
    const pipeline = redis.pipeline();
    for (const record of records.slice(from, from + 5000)) pipeline.xadd(stream, '*', ...Object.entries(record).flat());
    await pipeline.exec();
  }
}

/** Every entry of a stream as a record. */
export async function readStream(redis: Redis, stream: string): Promise<Record<string, string>[]> {
  const entries = (await redis.xrange(stream, '-', '+')) as [string, string[]][];
  return entries.map(([, fields]) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]])));
}

export const newRedis = () => new Redis(REDIS_URL);

/** A RabbitMQ connection and a fresh durable queue holding `messages` as JSON. */
export async function rabbitQueueWith(queue: string, messages: unknown[]): Promise<ChannelModel> {
  const connection = await connect(RABBIT_URL);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  for (const message of messages) channel.sendToQueue(queue, Buffer.from(JSON.stringify(message)), { persistent: true });
  await channel.waitForConfirms();
  await channel.close();
  return connection;
}
