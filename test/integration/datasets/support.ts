import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { Services } from '../../../src/services.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runtime.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

export interface DatasetHarness {
  services: Services & { cleanup(): Promise<void> };
  app: Express;
  workers?: RunningWorkers;
  /** An operator's session: send `user.headers` with every request. */
  user: TestUser;
  get(url: string): request.Test;
  close(): Promise<void>;
}

/** Real Redis and CouchDB-compatible server, the app, and (unless told otherwise) a worker in this process. */
export async function startHarness(options: { env?: Record<string, string>; worker?: boolean } = {}): Promise<DatasetHarness> {
  const services = await connectTestServices({ WORKER_CONCURRENCY: '2', ...options.env });
  const app = createApp(services);
  const workers = options.worker === false ? undefined : startWorkers(services);
  const user = await signIn(services, 'operator');
  return {
    services,
    app,
    workers,
    user,
    get: (url) => request(app).get(url).set(user.headers),
    async close() {
      await workers?.close(5000);
      await services.cleanup();
    },
  };
}

export interface UploadBody {
  id: string;
  status: string;
  format?: string;
  notices: string[];
  urls: { self: string; page: string; rows: string; events: string };
}

/** POSTs a file as multipart, fields first, as the upload page does. */
export function upload(h: DatasetHarness, fileName: string, data: Buffer | string, fields: Record<string, string> = {}) {
  const req = request(h.app).post('/api/v1/datasets').set(h.user.headers);
  for (const [name, value] of Object.entries(fields)) req.field(name, value);
  return req.attach('file', Buffer.isBuffer(data) ? data : Buffer.from(data), fileName);
}

/** Polls the dataset until it is ready or failed; returns its API shape. */
export async function settled(h: DatasetHarness, id: string, timeoutMs = 30_000): Promise<Record<string, unknown> & { status: string; error?: { code: string; message: string } }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.get(`/api/v1/datasets/${id}`).expect(200);
    if (res.body.status === 'ready' || res.body.status === 'failed') return res.body;
    assert.ok(Date.now() < deadline, `dataset ${id} still ${res.body.status} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Waits until a settled dataset's finished run has deleted the chunks it left (its `cleanup` mark is gone). */
export async function cleanedUp(h: DatasetHarness, id: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.get(`/api/v1/datasets/${id}`).expect(200);
    if (res.body.cleanup === undefined) return res.body;
    assert.ok(Date.now() < deadline, `dataset ${id} still has chunks to delete after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Uploads and waits for the parse; asserts 202 on the way. */
export async function uploadReady(h: DatasetHarness, fileName: string, data: Buffer | string, fields: Record<string, string> = {}) {
  const res = await upload(h, fileName, data, fields).expect(202);
  const body = res.body as UploadBody;
  const dataset = await settled(h, body.id);
  return { upload: body, dataset };
}

export async function rows(h: DatasetHarness, id: string, offset: number, limit: number): Promise<{ columns: string[]; rows: unknown[][]; firstRow: number; total: number }> {
  return (await h.get(`/api/v1/datasets/${id}/rows`).query({ offset, limit }).expect(200)).body;
}

export interface ColumnProfileBody {
  name: string;
  type: string;
  nullCount: number;
  distinct: number;
  min: unknown;
  max: unknown;
  examples: string[];
}

export const profileOf = (dataset: Record<string, unknown>, column: string): ColumnProfileBody => {
  const found = (dataset.profile as ColumnProfileBody[]).find((c) => c.name === column);
  assert.ok(found, `no profile for column ${column}`);
  return found;
};

/** Every document of one blob in the blobs database (manifest and parts). */
export async function blobDocs(services: Services, blobId: string): Promise<number> {
  const result = await services.store.db('blobs').list({ start_key: `${blobId}:`, end_key: `${blobId}:\ufff0` });
  return result.rows.length;
}

export async function chunkDocs(services: Services, datasetId: string): Promise<number> {
  const result = await services.store.db('datasets').list({ start_key: `${datasetId}:chunk:`, end_key: `${datasetId}:chunk:\ufff0` });
  return result.rows.length;
}
