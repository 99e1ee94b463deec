// What the transfers benches share: the sides run compiled in their own process, the data they move, the checks.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { orgToken } from '../export/load-org.js';
import { commandParts, procfileEntries } from '../../src/cli/procfile.js';

export interface Run { seconds: number; rssMb: number; cpuSeconds: number; brokerCpuSeconds: number }

/** CPU seconds RabbitMQ's Erlang VM (beam.smp) has used so far, from /proc; 0 when it is not on this machine. */
function brokerCpuSeconds(): number {
  try {
    const pid = execFileSync('pgrep', ['-o', 'beam.smp']).toString().trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** The DMS side runs with the node flags of the Procfile's `transfers:` process (its heap cap), as deployed. */
export const TRANSFERS_NODE_FLAGS = commandParts(procfileEntries().get('transfers') ?? '').args.filter((a) => a.startsWith('--'));

/**
 * Both sides run compiled, as the Procfile runs DMS (`node dist/...`), not under tsx (whose loader holds ~50 MB and
 * takes CPU while modules load): bench/transfers/tsconfig.json compiles side.ts and what it imports into bench/out.
 */
const SIDE_SCRIPT = 'bench/out/transfers/bench/transfers/side.js';
export async function runSide(args: string[]): Promise<Run> {
  const flags = args[0] === 'dms' ? [...TRANSFERS_NODE_FLAGS, ...(process.env.BENCH_TRANSFERS_NODE_ARGS ?? '').split(' ').filter(Boolean)] : [];
  const brokerBefore = brokerCpuSeconds();
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, SIDE_SCRIPT, ...args], { maxBuffer: 64 * 1024 * 1024 });
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`${args.join(' ')} printed no result:\n${stdout}`);
  return { ...(JSON.parse(line) as Omit<Run, 'brokerCpuSeconds'>), brokerCpuSeconds: brokerCpuSeconds() - brokerBefore };
}

/** `count` Account-shaped entries (External_Id__c `<prefix>-<n>`, Name, Phone, Industry) added to `stream`. */
export async function fillStream(redis: Redis, stream: string, prefix: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = from; i < Math.min(count, from + 10_000); i++) {
      pipeline.xadd(stream, '*', 'External_Id__c', `${prefix}-${i}`, 'Name', `Bench ${i}`, 'Phone', `+1 555 ${i}`, 'Industry', 'Energy');
    }
    await pipeline.exec();
  }
}

/** How many Accounts of the org have an External_Id__c starting with `<prefix>-`. */
export async function orgCount(orgUrl: string, prefix: string): Promise<number> {
  const soql = encodeURIComponent(`SELECT COUNT() FROM Account WHERE External_Id__c LIKE '${prefix}-%'`);
  const res = await fetch(`${orgUrl}/services/data/v62.0/query?q=${soql}`, { headers: { authorization: `Bearer ${await orgToken(orgUrl)}` } });
  return ((await res.json()) as { totalSize: number }).totalSize;
}
