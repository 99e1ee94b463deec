// The minimal hand-written consumers the transfers bench measures DMS against: no pipeline, no dead letters, no
// bound, no progress; the same delivery order (write, then acknowledge).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { connect } from 'amqplib';
import { orgToken } from '../export/load-org.js';
import { xaddAll } from '../../src/transfers/targets/keyed-xadd.js';

export const RABBIT_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** XREADGROUP 25,000 at a time, one Bulk API 2.0 upsert job each, then XACK + XDEL. */
export async function handStreamToOrg(redis: Redis, stream: string, orgUrl: string, records: number): Promise<void> {
  const token = await orgToken(orgUrl);
  const api = `${orgUrl}/services/data/v62.0/jobs/ingest`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  await redis.xgroup('CREATE', stream, 'hand', '0', 'MKSTREAM').catch(() => undefined);
  for (let moved = 0; moved < records; ) {
    const reply = (await redis.xreadgroup('GROUP', 'hand', 'c', 'COUNT', 25_000, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) continue;
    const header = entries[0][1].filter((_, i) => i % 2 === 0);
    const lines = entries.map(([, f]) => header.map((_, c) => quote(f[2 * c + 1])).join(','));
    const job = (await (await fetch(api, { method: 'POST', headers, body: JSON.stringify({ object: 'Account', operation: 'upsert', externalIdFieldName: 'External_Id__c' }) })).json()) as { id: string };
    await fetch(`${api}/${job.id}/batches`, { method: 'PUT', headers: { authorization: headers.authorization, 'content-type': 'text/csv' }, body: `${header.join(',')}\n${lines.join('\n')}\n` });
    await fetch(`${api}/${job.id}`, { method: 'PATCH', headers, body: JSON.stringify({ state: 'UploadComplete' }) });
    for (;;) {
      const info = (await (await fetch(`${api}/${job.id}`, { headers })).json()) as { state: string };
      if (info.state === 'JobComplete') break;
      if (info.state === 'Failed' || info.state === 'Aborted') throw new Error(`job ${info.state}`);
      await sleep(50);
    }
    const ids = entries.map(([id]) => id);
    await redis.multi().xack(stream, 'hand', ...ids).xdel(stream, ...ids).exec();
    moved += entries.length;
  }
}

/**
 * Consume with a prefetch of 5,000; every 5,000 (or after 20 ms idle) hand the batch to `write`, then ack up to the
 * last with one multiple-ack.
 */
async function consumeInBatches(rabbitUrl: string, queue: string, records: number, write: (contents: Buffer[]) => Promise<void>): Promise<void> {
  const connection = await connect(rabbitUrl);
  const channel = await connection.createChannel();
  await channel.prefetch(5000);
  let moved = 0;
  let buffer: { content: Buffer; message: Parameters<typeof channel.ack>[0] }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => { done = resolve; });
  let flushing = Promise.resolve();
  const flush = () => {
    const batch = buffer;
    buffer = [];
    flushing = flushing.then(async () => {
      if (batch.length === 0) return;
      await write(batch.map(({ content }) => content));
      channel.ack(batch[batch.length - 1].message, true);
      moved += batch.length;
      if (moved >= records) done();
    });
  };
  await channel.consume(queue, (message) => {
    if (!message) return;
    buffer.push({ content: message.content, message });
    clearTimeout(timer);
    if (buffer.length >= 5000) flush();
    else timer = setTimeout(flush, 20);
  });
  await finished;
  // The channel first: its close-ok comes after the broker took the acks sent on it; closing only the connection
  // may drop the last ack (and the broker delivers that batch again).
  await channel.close();
  await connection.close();
}

/**
 * The queue into a stream: the XADDs go through DMS's stream-writing script (`xaddAll`, a thousand a call): the same
 * write as DMS's, so the two differ by the engine around it (until 2026-12-06 both sent one pipelined XADD per
 * message, which cost about 2.5x the CPU).
 */
export async function handQueueToStream(redis: Redis, rabbitUrl: string, queue: string, stream: string, records: number): Promise<void> {
  await consumeInBatches(rabbitUrl, queue, records, async (contents) => {
    const fieldLists = contents.map((content) => Object.entries(JSON.parse(content.toString()) as Record<string, unknown>).flat().map(String));
    await xaddAll(redis, stream, fieldLists);
  });
}

/** The broker's ceiling: the same consumer writing nothing, so what is measured is RabbitMQ delivering and taking acks. */
export async function drainQueue(rabbitUrl: string, queue: string, records: number): Promise<void> {
  await consumeInBatches(rabbitUrl, queue, records, async () => undefined);
}
