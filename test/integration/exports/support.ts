import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import jsforce from 'jsforce';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { startEmulator, type EmulatorOptionsInput, type RunningEmulator } from '../../../src/salesforce-emulator/index.js';
import type { Services } from '../../../src/services.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runtime.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

export interface ExportHarness {
  services: Services & { cleanup(): Promise<void> };
  emulator: RunningEmulator;
  app: Express;
  workers?: RunningWorkers;
  user: TestUser;
  conn: jsforce.Connection;
  get(url: string): request.Test;
  post(url: string): request.Test;
  close(): Promise<void>;
}

/** The Local org over HTTP, real Redis and CouchDB-compatible server, the app and a worker in this process. */
export async function startExportHarness(emulatorOptions: EmulatorOptionsInput = {}, worker = true): Promise<ExportHarness> {
  const emulator = await startEmulator({ port: 0, enableInspection: true, ...emulatorOptions });
  const services = await connectTestServices({ LOCAL_ORG_URL: emulator.url, WORKER_CONCURRENCY: '2', WORKER_LOCK_MS: '5000' });
  const app = createApp(services);
  const workers = worker ? startWorkers(services) : undefined;
  const user = await signIn(services, 'operator');
  const token = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'dms-local', client_secret: 'dms-local-secret', username: 'admin@local.org', password: 'password' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const conn = new jsforce.Connection({ instanceUrl: emulator.url, accessToken: token.access_token, version: '62.0' });
  return {
    services, emulator, app, workers, user, conn,
    get: (url) => request(app).get(url).set(user.headers),
    post: (url) => request(app).post(url).set(user.headers),
    async close() {
      await workers?.close(5000);
      await services.cleanup();
      await emulator.close();
    },
  };
}

/** Inserts records through Bulk API 2.0 (one CSV), as a data load would; returns their ids in row order. */
export async function seed(conn: jsforce.Connection, object: string, header: string[], rows: string[][]): Promise<string[]> {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const csv = [header.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n') + '\n';
  const result = await conn.bulk2.loadAndWaitForResults({ object, operation: 'insert', input: csv, pollTimeout: 120_000, pollInterval: 100 });
  if (result.failedResults.length > 0) throw new Error(`seeding ${object} failed: ${JSON.stringify(result.failedResults[0])}`);
  // Results come back in input order in the Local org; match on the first column to be sure.
  const idOf = new Map(result.successfulResults.map((r) => [String((r as Record<string, unknown>)[header[0]]), String(r.sf__Id)]));
  return rows.map((r) => idOf.get(r[0]) ?? '');
}

export interface DatasetBody {
  id: string;
  status: string;
  rowCount: number;
  columns: string[];
  profile: { name: string; count: number; nullCount: number }[];
  source?: { api?: string; bulkJobId?: string; totalRows?: number; soql: string; queryAll: boolean };
  error?: { code: string; message: string };
}

/** Polls the dataset until it is ready or failed. */
export async function settled(h: ExportHarness, id: string, timeoutMs = 60_000): Promise<DatasetBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.get(`/api/v1/datasets/${id}`).expect(200);
    if (res.body.status === 'ready' || res.body.status === 'failed') return res.body as DatasetBody;
    if (Date.now() > deadline) throw new Error(`dataset ${id} is still ${res.body.status}`);
    await sleep(100);
  }
}

/** Every row of a dataset through the rows API. */
export async function allRows(h: ExportHarness, id: string): Promise<(string | null)[][]> {
  const rows: (string | null)[][] = [];
  for (let offset = 0; ; offset += 1000) {
    const res = await h.get(`/api/v1/datasets/${id}/rows?offset=${offset}&limit=1000`).expect(200);
    rows.push(...(res.body.rows as (string | null)[][]));
    if (rows.length >= res.body.total) return rows;
  }
}
