import { startEmulator, type EmulatorOptionsInput, type RunningEmulator } from '../../../src/salesforce-emulator/index.js';
import { connectTestServices } from '../../support/services.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runtime.js';
import { writeChunk } from '../../../src/datasets/chunk-store.js';
import { DatasetDoc, type ChunkValue } from '../../../src/datasets/model.js';
import { approveMigration, createMigration, startMigration, getMigration, type MigrationDoc, type MigrationState } from '../../../src/migrations/index.js';
import { createUser, findUser } from '../../../src/auth/index.js';
import type { Services } from '../../../src/services.js';

export interface Harness {
  services: Services & { cleanup(): Promise<void> };
  emulator: RunningEmulator;
  workers?: RunningWorkers;
  close(): Promise<void>;
}

/** Real Redis + CouchDB-compatible server + the emulator over HTTP, and (optionally) in-process workers. */
export async function startHarness(options: { emulator?: EmulatorOptionsInput; workers?: boolean; env?: Record<string, string> } = {}): Promise<Harness> {
  const emulator = await startEmulator({ port: 0, enableInspection: true, ...options.emulator });
  const services = await connectTestServices({ LOCAL_ORG_URL: emulator.url, WORKER_LOCK_MS: '5000', WORKER_CONCURRENCY: '4', ...options.env });
  const workers = options.workers === false ? undefined : startWorkers(services);
  return {
    services, emulator, workers,
    async close() {
      await workers?.close(2000);
      await services.cleanup();
      await emulator.close();
    },
  };
}

/** A ready dataset written straight into the chunk store (what the upload path produces). */
export async function makeDataset(services: Services, columns: string[], rows: ChunkValue[][], chunkRows = 5000): Promise<string> {
  const id = `ds-test-${Math.random().toString(36).slice(2, 10)}`;
  let chunkCount = 0;
  for (let i = 0; i < rows.length; i += chunkRows) {
    await writeChunk(services.store, id, chunkCount++, { columns, rows: rows.slice(i, i + chunkRows), firstRow: i + 1 });
  }
  const now = new Date().toISOString();
  await services.store.db('datasets').insert(DatasetDoc.parse({
    _id: id, kind: 'dataset', name: id, fileName: `${id}.csv`, sizeBytes: 0, blobId: '', uploadedBy: 'test', createdAt: now, updatedAt: now,
    status: 'ready', columns, rowCount: rows.length, chunkCount,
  }) as never);
  return id;
}

export async function waitForState(services: Services, id: string, states: MigrationState[], timeoutMs = 60_000): Promise<MigrationDoc> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = await getMigration(services, id);
    if (states.includes(doc.state)) return doc;
    if (Date.now() > deadline) throw new Error(`migration ${id} is ${doc.state}, expected ${states.join('/')}; history ${JSON.stringify(doc.history)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runMigration(services: Services, request: Record<string, unknown>, timeoutMs = 60_000): Promise<MigrationDoc> {
  const doc = await createMigration(services, { connectionId: 'local', ...request }, 'test');
  await startMigration(services, doc._id, 'test');
  return waitForState(services, doc._id, ['completed', 'failed', 'cancelled'], timeoutMs);
}

/** A second person with the approver right approves a run waiting on a production org (src/migrations/decide.ts). */
export async function approveAsSecondPerson(services: Services, id: string): Promise<MigrationDoc> {
  const name = 'second-approver';
  if (!(await findUser(services, name))) await createUser(services, { username: name, password: 'approver-password', role: 'operator', approver: true }, 'test');
  return approveMigration(services, id, name);
}

/** Records of an object as the emulator holds them (inspection API). */
export async function emulatorRecords(emulator: RunningEmulator, object: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let offset = 0; ; offset += 10_000) {
    const res = await fetch(`${emulator.url}/__emulator/objects/${object}/records?limit=10000&offset=${offset}`);
    const body = (await res.json()) as { totalSize: number; records: Record<string, unknown>[] };
    out.push(...body.records);
    if (out.length >= body.totalSize || body.records.length === 0) return out;
  }
}

export async function setFaults(emulator: RunningEmulator, faults: Record<string, number>): Promise<void> {
  await fetch(`${emulator.url}/__emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
}

export const accountMapping = (extra: { column: string; field: string }[] = []) => ({
  object: 'Account',
  fields: [{ column: 'name', field: 'Name' }, { column: 'city', field: 'BillingCity' }, ...extra],
});
