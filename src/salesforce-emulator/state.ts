import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { makeId } from '../salesforce/record-id.js';
import type { BulkJobs } from './bulk/jobs.js';
import { formatDateTime } from './data/coerce.js';
import { insertRecord, type WriteContext } from './data/dml.js';
import { recordTypesOf } from './data/record-types.js';
import { RecordsStore } from './data/records-store.js';
import type { Row, Value } from './data/table.js';
import { resolveColumn, type Column } from './data/validate-record.js';
import { loadSchema, type Schema } from './describe/schema.js';
import { Faults } from './faults.js';
import type { EmulatorOptions, EmulatorUser } from './options.js';
import type { QueryOutcome } from './soql/index.js';

export interface Session {
  userId: string;
  username: string;
  calls: number;
  expired: boolean;
  /** Epoch ms after which the token is refused; every call moves it on by the session timeout. */
  expiresAt: number;
}

/** Everything the emulator holds in memory: schema, records, sessions, API usage, faults, jobs and cursors. */
export interface EmulatorState {
  options: EmulatorOptions;
  schema: Schema;
  store: RecordsStore;
  faults: Faults;
  sessions: Map<string, Session>;
  refreshTokens: Map<string, string>;
  /** Set when sessions or refresh tokens change, so persistence saves them. */
  sessionsChanged: boolean;
  users: Map<string, { user: EmulatorUser; id: string }>;
  apiUsage: { used: number };
  /** Sessions opened since start (OAuth grants and SOAP logins), for tests that count logins. */
  logins: number;
  /** REST query cursors for nextRecordsUrl, by locator, with when each was last used (epoch ms). */
  cursors: Map<string, { outcome: QueryOutcome; usedAt: number }>;
  jobs?: BulkJobs;
  profileId: string;
}

export function newToken(orgId: string): string {
  return `${orgId.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
}

/** Seeds the Organization record (its Id is the org id), one User per configured user and the record types. */
export function seedOrg(state: EmulatorState): void {
  seedOrganization(state);
  seedUsers(state);
  seedRecordTypes(state);
}

function seedOrganization(state: EmulatorState): void {
  const table = state.store.table('Organization');
  const id = state.options.orgId;
  if (!table || table.has(id)) return;
  const row: Row = [];
  const values: Record<string, Value> = {
    Id: id, Name: state.options.organizationName, InstanceName: 'LOCAL', IsSandbox: false,
    OrganizationType: 'Developer Edition', LanguageLocaleKey: 'en_US', TimeZoneSidKey: 'GMT', DefaultLocaleSidKey: 'en_US',
    CreatedDate: formatDateTime(Date.now()),
  };
  for (const [name, value] of Object.entries(values)) table.set(row, table.schema.byLower.get(name.toLowerCase())!, value);
  table.put(id, row);
}

/** One User record per configured user, so OwnerId and CreatedById point at real records. */
function seedUsers(state: EmulatorState): void {
  const table = state.store.table('User');
  if (!table) return;
  const names = ['Username', 'LastName', 'FirstName', 'Email', 'Alias', 'TimeZoneSidKey', 'LocaleSidKey', 'EmailEncodingKey', 'LanguageLocaleKey', 'ProfileId', 'IsActive'];
  const columns = names.map((n) => resolveColumn(state.store, table, n) as Column);
  const usernameFi = table.schema.byLower.get('username')!;
  for (const { user } of state.users.values()) {
    const existing = table.lookup(usernameFi, user.username)[0];
    if (existing) {
      state.users.get(user.username.toLowerCase())!.id = existing;
      continue;
    }
    const ctx: WriteContext = { store: state.store, userId: makeId('005', 1, '000'), lockRatio: 0, random: Math.random };
    const values = [user.username, user.lastName, user.firstName, user.email, user.username.slice(0, 8), 'GMT', 'en_US', 'UTF-8', 'en_US', state.profileId, true];
    const outcome = insertRecord(ctx, table, columns, values, 'json');
    if (!outcome.id) throw new Error(`Cannot seed user ${user.username}: ${outcome.errors?.map((e) => e.message).join('; ')}`);
    state.users.get(user.username.toLowerCase())!.id = outcome.id;
  }
}

/** The configured record types the org lacks (by object and developer name), created as the first user would. */
function seedRecordTypes(state: EmulatorState): void {
  const table = state.store.table('RecordType');
  if (!table) return;
  const names = ['SobjectType', 'DeveloperName', 'Name', 'Description', 'IsActive'];
  const columns = names.map((n) => resolveColumn(state.store, table, n) as Column);
  const ctx: WriteContext = { store: state.store, userId: makeId('005', 1, '000'), lockRatio: 0, random: Math.random };
  for (const type of state.options.recordTypes) {
    const has = (t: { developerName: string }) => t.developerName.toLowerCase() === type.developerName.toLowerCase();
    if (recordTypesOf(state.store, type.sobjectType).some(has)) continue;
    const name = type.name ?? type.developerName;
    const values = [type.sobjectType, type.developerName, name, type.description ?? null, type.isActive];
    const outcome = insertRecord(ctx, table, columns, values, 'json');
    if (outcome.id) continue;
    const why = outcome.errors?.map((e) => e.message).join('; ');
    throw new Error(`Cannot seed record type ${type.sobjectType}.${type.developerName}: ${why}`);
  }
}

export async function createState(options: EmulatorOptions): Promise<EmulatorState> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const schema = await loadSchema(options.describeDir, options.recordTypes.map((t) => t.sobjectType));
  const state: EmulatorState = {
    options,
    schema,
    store: new RecordsStore(schema, options.dataDir),
    faults: new Faults(options.faults, options.seed),
    sessions: new Map(),
    refreshTokens: new Map(),
    sessionsChanged: false,
    users: new Map(options.users.map((user) => [user.username.toLowerCase(), { user, id: '' }])),
    apiUsage: { used: 0 },
    logins: 0,
    cursors: new Map(),
    profileId: makeId('00e', 1, '000'),
  };
  for (const type of options.recordTypes.filter((t) => t.isDefault)) {
    state.store.defaultRecordTypes.set(type.sobjectType.toLowerCase(), type.developerName.toLowerCase());
  }
  return state;
}
