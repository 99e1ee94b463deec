import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningEmulator } from '../../src/salesforce-emulator/index.js';
import type { Services } from '../../src/services.js';
import { createMigration, startMigration, getMigration, FINISHED_STATES, type MigrationDoc } from '../../src/migrations/index.js';
import { resultRows } from '../../src/migrations/results.js';
import { COLLECTIONS_MAX, sessionFor, writeCollection } from '../../src/salesforce/index.js';
import { emulatorRecords, makeDataset, setFaults } from '../integration/migrations/harness.js';
import { startWorkerProcess, type WorkerChild } from './worker-process.js';

/** One run of a kill series: what it writes, how, with how much Salesforce latency. */
export interface KillCase {
  label: string;
  rows: number;
  operation: 'insert' | 'upsert';
  options: Record<string, unknown>;
  latencyMs: number;
}

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

/**
 * Runs one migration while worker processes are killed with SIGKILL 1-4 s after each became ready, a new one started
 * each time (so at most one drains the queues, and every job it had is left to the stalled check, the revival and the
 * watchdog). Stops at the run's end or at `boundMs`, then counts what the org holds. `kills: false` runs the same
 * with one worker that lives throughout, for a baseline; `killsForMs` stops killing after that long (the worker then
 * started lives on), so a test on a slow machine still sees the run end after many kills in every phase it reached.
 */
export async function runKillSeries(
  services: Services, emulator: RunningEmulator, kase: KillCase, boundMs: number, options: { kills: boolean; killsForMs?: number; logDir?: string } = { kills: true },
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
  const startedAt = Date.now();
  await startMigration(services, doc._id, 'kill-series');
  let kills = 0;
  let worker: WorkerChild | undefined;
  const finished = async () => FINISHED_STATES.has((await getMigration(services, doc._id)).state);
  try {
    while (!(await finished()) && Date.now() - startedAt < boundMs) {
      worker = await startWorkerProcess(services.config, KILL_SERIES_WORKER_ENV);
      // Without kills (a benchmark's baseline) the one worker runs until the end or the bound.
      const killing = options.kills && Date.now() - startedAt < (options.killsForMs ?? boundMs);
      // The first worker dies 1 s after it is ready, so even a run that would end in seconds is cut mid-way.
      const killAt = killing ? Date.now() + 1000 + (kills === 0 ? 0 : Math.random() * 3000) : startedAt + boundMs;
      while (Date.now() < killAt && !(await finished())) await sleep(100);
      if (await finished()) break;
      worker.child.kill('SIGKILL');
      await worker.exited;
      if (options.logDir) writeFileSync(`${options.logDir}/${tag}-worker-${kills}.log`, worker.output());
      worker = undefined;
      kills++;
    }
  } finally {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await setFaults(emulator, { latency: 0 });
  }
  const end = await getMigration(services, doc._id);
  const seconds = (Date.now() - startedAt) / 1000;
  const mine = (await emulatorRecords(emulator, 'Account')).filter((r) => String(r.External_Id__c).startsWith(`${tag}-`));
  const listed = await successIds(services, doc._id);
  return {
    label: kase.label, rows: kase.rows, kills, finished: FINISHED_STATES.has(end.state), state: end.state, seconds,
    inOrg: mine.length,
    duplicates: mine.length - new Set(mine.map((r) => r.External_Id__c)).size,
    notInSuccessFile: mine.filter((r) => !listed.has(String(r.Id).slice(0, 15))).length,
    totals: end.totals,
    error: end.error,
  };
}
