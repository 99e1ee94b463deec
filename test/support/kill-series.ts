import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningEmulator } from '../../src/salesforce-emulator/index.js';
import type { Services } from '../../src/services.js';
import { createMigration, startMigration, getMigration, FINISHED_STATES, type MigrationDoc } from '../../src/migrations/index.js';
import { resultRows } from '../../src/migrations/results.js';
import { COLLECTIONS_MAX, sessionFor, sfJson, writeCollection } from '../../src/salesforce/index.js';
import { listBatches } from '../../src/migrations/store.js';
import { emulatorRecords, makeDataset, setFaults } from '../integration/migrations/harness.js';
import { startWorkerProcess, type WorkerChild } from './worker-process.js';
import { RetakeWatch } from './retakes.js';

/** One run of a kill series: what it writes, how, with how much Salesforce latency. */
export interface KillCase {
  label: string;
  rows: number;
  operation: 'insert' | 'upsert';
  options: Record<string, unknown>;
  latencyMs: number;
}

/**
 * The two Bulk runs both kill tests drive, each slowed so it outlives its first kill (the upsert at 5 ms a request
 * finished within 5 s, before any worker had lived the 1.5 s a kill waits for, once Bulk batches kept upload lines).
 */
export const BULK_KILL_CASES: KillCase[] = [
  { label: 'Bulk upsert', rows: 20_000, operation: 'upsert', options: { apiMode: 'bulk', batchSize: 2500 }, latencyMs: 100 },
  { label: 'Bulk insert', rows: 20_000, operation: 'insert', options: { apiMode: 'bulk', batchSize: 2500 }, latencyMs: 250 },
];

export interface KillResult {
  label: string;
  rows: number;
  kills: number;
  finished: boolean;
  state: string;
  seconds: number;
  /** Records of this run in the org, distinct external ids among them, and those missing from the success file. */
  inOrg: number;
  duplicates: number;
  notInSuccessFile: number;
  totals: MigrationDoc['totals'];
  error?: MigrationDoc['error'];
  /** Work done, to compare with a run without kills: API calls the org counted, Bulk jobs opened and given up. */
  apiCalls: number;
  bulkJobs: number;
  bulkJobsAbandoned: number;
  /** Rows put into a second Bulk job (their first was aborted before it processed them) and batch revivals. */
  rowsResent: number;
  revivals: number;
  /** Milliseconds from a kill until each job the killed worker held was taken again (plan and batch jobs). */
  retakeMs: number[];
}

export interface KillOptions {
  kills: boolean;
  /** Stop killing after this long (the workers then alive live on). */
  killsForMs?: number;
  /** Keep each killed worker's log there (`<tag>-worker-<n>.log`). */
  logDir?: string;
  /**
   * `pool` workers run at once and a random ready one is SIGKILLed every `everyMs` (a new one started each time), for
   * the whole run; without `pool`, one worker at a time, killed 1-4 s after it became ready.
   */
  pool?: number;
  everyMs?: number;
  /** In a pool, only a worker ready for at least this long is killed (default 2 s): one that never took a job tests nothing. */
  minLifeMs?: number;
  /** Node arguments that start a worker (default: workers/index.ts through tsx). */
  workerEntry?: string[];
}

/** What the worker processes of a series need besides the test's own config: short locks, a quick watchdog. */
export const KILL_SERIES_WORKER_ENV = { WORKER_LOCK_MS: '5000', MIGRATION_WATCHDOG_MS: '2000' };

const mapping = { object: 'Account', fields: [{ column: 'ext', field: 'External_Id__c' }, { column: 'name', field: 'Name' }] };

/** An upsert meets existing records (its before-images read them): the even rows are in the org before it starts. */
async function seedEvenRows(services: Services, tag: string, rows: number): Promise<void> {
  const session = await sessionFor(services, 'local');
  const spec = { object: 'Account', operation: 'insert' as const, allOrNone: false };
  const records = Array.from({ length: Math.ceil(rows / 2) }, (_, i) => ({ External_Id__c: `${tag}-${i * 2}`, Name: `Seed ${i * 2}` }));
  for (let i = 0; i < records.length; i += COLLECTIONS_MAX) await writeCollection(session, spec, records.slice(i, i + COLLECTIONS_MAX));
}

/** The Ids the run's success file lists. */
async function successIds(services: Services, id: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let idAt = -1;
  for await (const rows of resultRows(services, id, 'success', 'dms')) {
    for (const row of rows) {
      if (idAt < 0) idAt = row.indexOf('Id');
      else ids.add(String(row[idAt]).slice(0, 15));
    }
  }
  return ids;
}

/** API requests the org has counted so far (its daily budget used). */
async function apiCallsSoFar(services: Services): Promise<number> {
  const limits = await sfJson<{ DailyApiRequests: { Max: number; Remaining: number } }>(await sessionFor(services, 'local'), { method: 'GET', path: '/limits' });
  return limits.DailyApiRequests.Max - limits.DailyApiRequests.Remaining;
}

/** SIGKILLs a worker, following the jobs it held until they are taken again. */
async function killFollowed(worker: WorkerChild, retakes: RetakeWatch): Promise<void> {
  const held = await retakes.heldBy(worker.child.pid!);
  worker.child.kill('SIGKILL');
  retakes.follow(held, Date.now());
  await worker.exited;
}

/** One worker at a time, killed 1-4 s after it became ready (the first after 1 s), a new one started each time. */
async function oneAtATime(services: Services, finished: () => Promise<boolean>, options: KillOptions, within: (ms?: number) => boolean, keep: (w: WorkerChild) => void, retakes: RetakeWatch): Promise<number> {
  let kills = 0;
  let worker: WorkerChild | undefined;
  try {
    while (!(await finished()) && within()) {
      worker = await startWorkerProcess(services.config, KILL_SERIES_WORKER_ENV, options.workerEntry);
      // Without kills (a benchmark's baseline) the one worker runs until the end or the bound.
      const killing = options.kills && within(options.killsForMs);
      // The first worker dies 1 s after it is ready, so even a run that would end in seconds is cut mid-way.
      const lives = killing ? 1000 + (kills === 0 ? 0 : Math.random() * 3000) : Infinity;
      const killAt = Date.now() + lives;
      while (Date.now() < killAt && within() && !(await finished())) await sleep(100);
      if (await finished() || !within()) break;
      await killFollowed(worker, retakes);
      keep(worker);
      worker = undefined;
      kills++;
    }
  } finally {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
  }
  return kills;
}

const MAX_BOOT_FAILURES = 3;

/** `pool` workers at once; every `everyMs` a random one ready for `minLifeMs` is SIGKILLed and a new one started. */
async function pooled(services: Services, finished: () => Promise<boolean>, options: KillOptions, within: (ms?: number) => boolean, keep: (w: WorkerChild) => void, retakes: RetakeWatch): Promise<number> {
  const ready = new Map<WorkerChild, number>();
  const booting = new Set<Promise<void>>();
  // On a loaded machine a worker may not become ready within startWorkerProcess's 90 s: it is replaced, up to
  // MAX_BOOT_FAILURES times in a row (more means the workers cannot start at all).
  let bootFailures = 0;
  let bootError: unknown;
  const boot = () => {
    const started: Promise<void> = startWorkerProcess(services.config, KILL_SERIES_WORKER_ENV, options.workerEntry)
      .then((w) => {
        bootFailures = 0;
        ready.set(w, Date.now());
      }, (error: unknown) => {
        if (++bootFailures >= MAX_BOOT_FAILURES) bootError = error;
        else boot();
      })
      .finally(() => booting.delete(started));
    booting.add(started);
  };
  for (let i = 0; i < (options.pool ?? 1); i++) boot();
  const every = options.everyMs ?? 5000;
  let kills = 0;
  // The first kill comes as soon as a worker has lived minLifeMs: even a run that ends in seconds meets one.
  let nextKill = Date.now();
  try {
    while (!(await finished()) && within()) {
      if (bootError) throw bootError;
      await sleep(100);
      if (!options.kills || !within(options.killsForMs) || Date.now() < nextKill) continue;
      const old = [...ready].filter(([, at]) => Date.now() - at >= (options.minLifeMs ?? 2000)).map(([w]) => w);
      const victim = old[Math.floor(Math.random() * old.length)];
      if (!victim) continue; // no worker has lived long enough yet: the kill waits for one
      nextKill = Math.max(nextKill + every, Date.now() + every / 2);
      ready.delete(victim);
      await killFollowed(victim, retakes);
      keep(victim);
      kills++;
      boot();
    }
  } finally {
    await Promise.all([...booting]);
    for (const w of ready.keys()) w.child.kill('SIGTERM');
    await Promise.all([...ready.keys()].map((w) => w.exited));
    for (const w of ready.keys()) keep(w);
  }
  return kills;
}

/**
 * Runs one migration while worker processes are SIGKILLed (see KillOptions), new ones started each time, so every
 * job a killed worker had is left to the stalled check, the revival and the watchdog. Stops at the run's end or at
 * `boundMs`, then counts what the org holds and how much work the run did. `kills: false` runs the same without
 * kills, for a baseline; `killsForMs` stops killing after that long.
 */
export async function runKillSeries(
  services: Services, emulator: RunningEmulator, kase: KillCase, boundMs: number, options: KillOptions = { kills: true },
): Promise<KillResult> {
  const tag = `ks${Math.random().toString(36).slice(2, 8)}`;
  const datasetId = await makeDataset(services, ['ext', 'name'], Array.from({ length: kase.rows }, (_, i) => [`${tag}-${i}`, `Name ${i}`]), 5000);
  if (kase.operation === 'upsert') await seedEvenRows(services, tag, kase.rows);
  await setFaults(emulator, { latency: kase.latencyMs });
  const request = {
    connectionId: 'local', datasetId, object: 'Account', operation: kase.operation, template: { mapping }, options: kase.options,
    ...(kase.operation === 'upsert' ? { externalIdField: 'External_Id__c' } : {}),
  };
  const doc = await createMigration(services, request, 'kill-series');
  const callsBefore = await apiCallsSoFar(services);
  const startedAt = Date.now();
  await startMigration(services, doc._id, 'kill-series');
  const finished = async () => FINISHED_STATES.has((await getMigration(services, doc._id)).state);
  const within = (ms = boundMs) => Date.now() - startedAt < ms;
  let logs = 0;
  const keep = (w: WorkerChild) => {
    if (options.logDir) writeFileSync(`${options.logDir}/${tag}-worker-${logs++}.log`, w.output());
  };
  let kills: number;
  const retakes = new RetakeWatch(services);
  try {
    const series = options.pool ? pooled : oneAtATime;
    kills = await series(services, finished, options, within, keep, retakes);
  } finally {
    await setFaults(emulator, { latency: 0 });
  }
  const seconds = (Date.now() - startedAt) / 1000;
  const retakeMs = await retakes.settled();
  const end = await getMigration(services, doc._id);
  const apiCalls = (await apiCallsSoFar(services)) - callsBefore - 1;
  const mine = (await emulatorRecords(emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));
  const listed = await successIds(services, doc._id);
  const batches = await listBatches(services, doc._id, end.batchCount);
  const jobs = batches.flatMap((b) => b.bulkJobs);
  const abandoned = jobs.filter((j) => j.state === 'Aborted' || j.state === 'Lost');
  return {
    label: kase.label, rows: kase.rows, kills, finished: FINISHED_STATES.has(end.state), state: end.state, seconds,
    inOrg: mine.length,
    duplicates: mine.length - new Set(mine.map((r) => r.External_Id__c)).size,
    notInSuccessFile: mine.filter((r) => !listed.has(String(r.Id).slice(0, 15))).length,
    totals: end.totals,
    error: end.error,
    apiCalls,
    bulkJobs: jobs.length,
    bulkJobsAbandoned: abandoned.length,
    rowsResent: abandoned.reduce((sum, j) => sum + j.rows, 0),
    revivals: batches.reduce((sum, b) => sum + b.revivals, 0),
    retakeMs,
  };
}

/** What a user checks after a run that outlived kills: it completed, one record per row, all in the success file. */
export function assertCompletedExactly(result: KillResult, kase: KillCase, boundMs: number): void {
  const about = JSON.stringify(result);
  assert.ok(result.finished, `not finished within ${boundMs} ms: ${about}`);
  assert.equal(result.state, 'completed', about);
  assert.ok(result.kills > 0, `the run outlived no kill: ${about}`);
  assert.equal(result.inOrg, kase.rows, about);
  assert.equal(result.duplicates, 0, about);
  assert.equal(result.totals.succeeded + result.totals.failed + result.totals.skipped, kase.rows, about);
  assert.equal(result.totals.succeeded, kase.rows, about);
  assert.equal(result.notInSuccessFile, 0, about);
}
