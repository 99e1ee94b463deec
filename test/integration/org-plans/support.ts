import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import jsforce from 'jsforce';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { startEmulator, type RunningEmulator, type StartOptions } from '../../../src/salesforce-emulator/index.js';
import type { Services } from '../../../src/services.js';
import { startWorkers, type RunningWorkers } from '../../../workers/runtime.js';
import { connectTestServices } from '../../support/services.js';
import { signIn, type TestUser } from '../../support/sign-in.js';

/** One Local org: an emulator with its own data, and jsforce signed in to it. */
export interface Org {
  emulator: RunningEmulator;
  conn: jsforce.Connection;
}

export interface TwoOrgs {
  source: Org;
  target: Org;
  /** The target as a DMS connection (by password); the source is the Local org connection, `local`. */
  targetConnectionId: string;
  services: Services & { cleanup(): Promise<void> };
  app: Express;
  workers?: RunningWorkers;
  user: TestUser;
  get(url: string): request.Test;
  post(url: string): request.Test;
  close(): Promise<void>;
}

async function startOrg(options: StartOptions = {}): Promise<Org> {
  const emulator = await startEmulator({ ...options, port: 0 });
  const token = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password', client_id: 'dms-local', client_secret: 'dms-local-secret', username: 'admin@local.org', password: 'password',
    }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  return { emulator, conn: new jsforce.Connection({ instanceUrl: emulator.url, accessToken: token.access_token, version: '62.0' }) };
}

/** A DMS connection (by password, made by an admin) to `org`; returns its id. */
export async function connectOrg(services: Services, app: Express, org: Org, name: string): Promise<string> {
  const admin = await signIn(services, 'admin');
  const connection = await request(app).post('/api/v1/connections').set(admin.headers).send({
    method: 'password', name, loginUrl: org.emulator.url, username: 'admin@local.org', password: 'password',
    clientId: 'dms-local', clientSecret: 'dms-local-secret', production: false,
  });
  if (connection.status !== 201) throw new Error(`${name} connection: ${JSON.stringify(connection.body)}`);
  return connection.body.id as string;
}

/**
 * Two emulators (source = the Local org, target = a password connection), real Redis and CouchDB, app and workers;
 * `orgs` sets each emulator's options (record types, for instance).
 */
export async function startTwoOrgs(worker = true, orgs: { source?: StartOptions; target?: StartOptions } = {}): Promise<TwoOrgs> {
  const [source, target] = await Promise.all([startOrg(orgs.source), startOrg(orgs.target)]);
  const services = await connectTestServices({
    LOCAL_ORG_URL: source.emulator.url, WORKER_CONCURRENCY: '4', WORKER_LOCK_MS: '5000',
    SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
  });
  const app = createApp(services);
  const workers = worker ? startWorkers(services) : undefined;
  const targetConnectionId = await connectOrg(services, app, target, 'Target org');
  const user = await signIn(services, 'operator');
  return {
    source, target, targetConnectionId, services, app, workers, user,
    get: (url) => request(app).get(url).set(user.headers),
    post: (url) => request(app).post(url).set(user.headers),
    async close() {
      await workers?.close(5000);
      await services.cleanup();
      await Promise.all([source.emulator.close(), target.emulator.close()]);
    },
  };
}

const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;

/** Loads rows through Bulk API 2.0 (one CSV); returns the Ids in row order (matched on the first column). */
export async function load(conn: jsforce.Connection, object: string, operation: 'insert' | 'update', header: string[], rows: string[][]): Promise<string[]> {
  const csv = [header.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n') + '\n';
  const result = await conn.bulk2.loadAndWaitForResults({ object, operation, input: csv, pollTimeout: 120_000, pollInterval: 100 });
  if (result.failedResults.length > 0) throw new Error(`${operation} ${object} failed: ${JSON.stringify(result.failedResults[0])}`);
  const idOf = new Map(result.successfulResults.map((r) => [String((r as Record<string, unknown>)[header[0]]), String(r.sf__Id)]));
  return rows.map((r) => idOf.get(r[0]) ?? '');
}

/** Every record of a query, following nextRecordsUrl. */
export async function queryAll<T extends Record<string, unknown>>(conn: jsforce.Connection, soql: string): Promise<T[]> {
  let page = await conn.query<T>(soql);
  const records = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    page = await conn.queryMore<T>(page.nextRecordsUrl);
    records.push(...page.records);
  }
  return records;
}

export interface RunBody {
  id: string;
  state: string;
  dryRun: boolean;
  error?: { code: string; message: string };
  steps: {
    object: string; pass: string; status: string; migrationId?: string; validationId?: string; invalid?: number;
    totals?: { rows: number; succeeded: number; failed: number }; unmapped: { column: string; count: number }[];
    urls?: Record<string, string>;
  }[];
}

/** Polls a run until it is no longer queued, running or rolling back. */
export async function runSettled(h: TwoOrgs, planId: string, runId: string, timeoutMs = 120_000): Promise<RunBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.get(`/api/v1/plans/${planId}/runs/${runId}`).expect(200);
    if (!['queued', 'running', 'rolling_back'].includes(res.body.state)) return res.body as RunBody;
    if (Date.now() > deadline) throw new Error(`run ${runId} is still ${res.body.state}: ${JSON.stringify(res.body.steps)}`);
    await sleep(200);
  }
}

/** Account i's parent: the first of its ten (Account 0, 10, 20, ... have none). */
const parentOf = (i: number): number | undefined => (i % 10 === 0 ? undefined : Math.floor(i / 10) * 10);

/**
 * The source org's data: `accounts` Accounts (External_Id__c A-i, ParentId to the first of their ten), a Contact for
 * each (C-i) and an Opportunity for every second one (O-i).
 */
export async function seedSource(h: TwoOrgs, accounts: number): Promise<void> {
  const rows = Array.from({ length: accounts }, (_, i) => [`A-${i}`, `Acct ${i}`, `N-${i}`]);
  const accountIds = await load(h.source.conn, 'Account', 'insert', ['External_Id__c', 'Name', 'AccountNumber'], rows);
  const parents = accountIds.flatMap((id, i) => (parentOf(i) === undefined ? [] : [[id, accountIds[parentOf(i) as number]]]));
  await load(h.source.conn, 'Account', 'update', ['Id', 'ParentId'], parents);
  const contacts = accountIds.map((id, i) => [`C-${i}`, `Smith ${i}`, id]);
  await load(h.source.conn, 'Contact', 'insert', ['External_Id__c', 'LastName', 'AccountId'], contacts);
  const deals = accountIds.filter((_, i) => i % 2 === 0).map((id, k) => [`O-${k * 2}`, `Deal ${k * 2}`, 'Prospecting', '2026-12-31', id]);
  await load(h.source.conn, 'Opportunity', 'insert', ['External_Id__c', 'Name', 'StageName', 'CloseDate', 'AccountId'], deals);
}

export async function targetCounts(h: TwoOrgs): Promise<{ accounts: number; contacts: number; opportunities: number }> {
  const [accounts, contacts, opportunities] = await Promise.all(['Account', 'Contact', 'Opportunity'].map(
    async (o) => (await queryAll<{ Id: string }>(h.target.conn, `SELECT Id FROM ${o}`)).length,
  ));
  return { accounts, contacts, opportunities };
}

interface AccountRow extends Record<string, unknown> { External_Id__c: string; Parent: { External_Id__c: string } | null }
interface ChildRow extends Record<string, unknown> { External_Id__c: string; Account: { External_Id__c: string } | null }

/** In the target, every copied record once, every lookup pointing at the copy of its source parent (by external id). */
export async function assertLookups(h: TwoOrgs, accounts: number): Promise<void> {
  const soql = "SELECT External_Id__c, Parent.External_Id__c FROM Account WHERE External_Id__c LIKE 'A-%'";
  const copied = await queryAll<AccountRow>(h.target.conn, soql);
  assert.equal(new Set(copied.map((a) => a.External_Id__c)).size, accounts);
  assert.equal(copied.length, accounts);
  for (const a of copied) {
    const parent = parentOf(Number(a.External_Id__c.slice(2)));
    assert.equal(a.Parent?.External_Id__c ?? null, parent === undefined ? null : `A-${parent}`, a.External_Id__c);
  }
  for (const object of ['Contact', 'Opportunity']) {
    const children = await queryAll<ChildRow>(h.target.conn, `SELECT External_Id__c, Account.External_Id__c FROM ${object}`);
    assert.equal(children.length, object === 'Contact' ? accounts : Math.ceil(accounts / 2));
    for (const c of children) assert.equal(c.Account?.External_Id__c, `A-${c.External_Id__c.slice(2)}`, c.External_Id__c);
  }
}
