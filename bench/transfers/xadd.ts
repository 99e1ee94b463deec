// The Redis Stream target's write, alone: N JSON messages turned into records and XADDed 5,000 a batch, through
// DMS's script (`xaddAll`, a thousand records a call) against one pipelined XADD per record (the write before
// 2026-12-06), alternating. Prints this process's CPU microseconds per record and the Redis server's (INFO cpu: it
// counts every client of that Redis, so run it on a quiet one or read it as an upper bound).
// Usage: node --import tsx bench/transfers/xadd.ts [records=200000] [rounds=3]
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { messageRecord } from '../../src/transfers/rabbitmq.js';
import { entryFields } from '../../src/transfers/targets/redis-stream.js';
import { xaddAll } from '../../src/transfers/targets/keyed-xadd.js';

const records = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 3);
const BATCH = 5000;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const bodies = Array.from({ length: records }, (_, i) => Buffer.from(JSON.stringify({ n: i, name: `message ${i}`, kind: 'bench' })));

async function redisCpu(): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

const writes: Record<string, (stream: string, lists: string[][]) => Promise<unknown>> = {
  script: (stream, lists) => xaddAll(redis, stream, lists),
  pipeline: (stream, lists) => {
    const pipeline = redis.pipeline();
    for (const fields of lists) pipeline.xadd(stream, '*', ...fields);
    return pipeline.exec();
  },
};

for (let round = 1; round <= rounds; round++) {
  for (const [name, write] of Object.entries(writes)) {
    const stream = `bench-xadd-${name}-${round}-${Date.now()}`;
    const redisBefore = await redisCpu();
    const before = process.cpuUsage();
    const t0 = performance.now();
    for (let from = 0; from < records; from += BATCH) {
      await write(stream, bodies.slice(from, from + BATCH).map((body) => entryFields(messageRecord(body))));
    }
    const used = process.cpuUsage(before);
    const perRecord = (seconds: number) => ((seconds * 1e6) / records).toFixed(2);
    const written = await redis.xlen(stream);
    if (written !== records) throw new Error(`${name}: ${written} of ${records} entries`);
    console.log(`${name}: ${perRecord((used.user + used.system) / 1e6)} us CPU here, ${perRecord((await redisCpu()) - redisBefore)} us in Redis,`
      + ` ${perRecord((performance.now() - t0) / 1000)} us wall per record (load ${loadavg()[0].toFixed(1)})`);
    await redis.del(stream);
  }
}
redis.disconnect();
