import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import jsforce from 'jsforce';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { Services } from '../../../src/services.js';
import { DatasetDoc, writeChunk, type ChunkValue } from '../../../src/datasets/index.js';
import { startEmulator } from '../../../src/salesforce-emulator/index.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';
import { startWorkers } from '../../../workers/runtime.js';

export interface Harness {
  services: Services & { cleanup(): Promise<void> };
  app: Express;
  user: TestUser;
  emulatorUrl: string;
  get(url: string): request.Test;
  post(url: string, body: object): request.Test;
  close(): Promise<void>;
}

/** Real Redis, the CouchDB-compatible server, and an emulator over HTTP as the Local org; with `workers`, the queues are drained too. */
export async function startHarness(options: { workers?: boolean } = {}): Promise<Harness> {
  const emulator = await startEmulator({ port: 0 });
  const services = await connectTestServices({ LOCAL_ORG_URL: emulator.url });
  const workers = options.workers ? startWorkers(services) : undefined;
  const app = createApp(services);
  const user = await signIn(services, 'operator');
  return {
    services, app, user, emulatorUrl: emulator.url,
    get: (url) => request(app).get(url).set(user.headers),
    post: (url, body) => request(app).post(url).set(user.headers).send(body),
    async close() {
      await workers?.close(5000);
      await services.cleanup();
      await emulator.close();
    },
  };
}

/** A ready dataset written straight into the chunk store, `chunkRows` rows per chunk (what a parse would leave). */
export async function writeDataset(services: Services, columns: string[], rows: ChunkValue[][], chunkRows = 5000, profile: Record<string, unknown>[] = []): Promise<string> {
  const id = `ds-test-${randomBytes(5).toString('hex')}`;
  const chunks = Math.ceil(rows.length / chunkRows);
  for (let i = 0; i < chunks; i++) {
    await writeChunk(services.store, id, i, { columns, rows: rows.slice(i * chunkRows, (i + 1) * chunkRows), firstRow: i * chunkRows + 1 });
  }
  const now = new Date().toISOString();
  const doc = DatasetDoc.parse({
    _id: id, kind: 'dataset', name: `test ${id}`, fileName: 'test.csv', format: 'csv', sizeBytes: 1, blobId: 'none', uploadedBy: 'test',
    createdAt: now, updatedAt: now, status: 'ready', columns, rowCount: rows.length, chunkCount: chunks, profile,
  });
  await services.store.client.authorize();
  await services.store.db('datasets').insert(doc);
  return id;
}

/** Polls a validation until it is done or failed. */
export async function waitForValidation(h: Harness, id: string, timeoutMs = 30_000): Promise<{ status: string; report?: Record<string, unknown> } & Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.get(`/api/v1/validations/${id}`).expect(200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    if (Date.now() > until) throw new Error(`validation ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The invalid-rows CSV as {row -> status codes}; reasons are `CODE:message:fields` joined by ' | '. */
export function codesByRow(csv: string): Map<number, string[]> {
  return new Map([...errorsByRow(csv)].map(([row, errors]) => [row, errors.map((e) => e.statusCode).sort()]));
}

/** A per-record error as Salesforce and the invalid-rows CSV give it. */
export interface SfErr { statusCode: string; message: string; fields: string[] }

/** Minimal RFC 4180 reader: quoted cells may hold commas, quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** The invalid-rows CSV as {row -> errors}; reasons are `CODE:message:fields` (`--` for none) joined by ' | '. */
export function errorsByRow(csv: string): Map<number, SfErr[]> {
  const out = new Map<number, SfErr[]>();
  const [header, ...lines] = parseCsv(csv);
  const verdict = header.indexOf('errors');
  for (const cells of lines) {
    out.set(Number(cells[0]), cells[verdict].split(' | ').map((reason) => {
      const fields = reason.slice(reason.lastIndexOf(':') + 1);
      return {
        statusCode: reason.slice(0, reason.indexOf(':')),
        message: reason.slice(reason.indexOf(':') + 1, reason.lastIndexOf(':')),
        fields: fields === '--' ? [] : fields.split(','),
      };
    }));
  }
  return out;
}

/** A jsforce connection to the emulator as its demo user (OAuth password grant). */
export async function connect(url: string): Promise<jsforce.Connection> {
  const token = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'dms-local', client_secret: 'dms-local-secret', username: 'admin@local.org', password: 'password' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  return new jsforce.Connection({ instanceUrl: url, accessToken: token.access_token, version: '62.0' });
}
