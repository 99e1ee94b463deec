import { gunzipSync, gzipSync } from 'node:zlib';
import { sfJson, toId18 } from '../salesforce/index.js';
import { fieldByName, type DescribeSObjectResult } from '../mapping/index.js';
import type { BatchRun } from './batch-run.js';
import { findByField } from './reconcile.js';
import { readAttachment } from './store.js';
import type { Services } from '../services.js';
import type { BatchDoc } from './model.js';

export const BEFORE_ATTACHMENT = 'before.json.gz';

/** The values an update will overwrite, per record id: what a roll back writes back. */
export interface BeforeImages { fields: string[]; records: Record<string, Record<string, unknown>> }

/** The fields the mapping writes, as plain field names (`Account.Ext__c` -> the lookup field, e.g. AccountId). */
export function writtenFields(run: Pick<BatchRun, 'migration'>, describe: DescribeSObjectResult): string[] {
  const { fields, relationships, constants } = run.migration.template.mapping;
  const names = [...fields, ...relationships, ...constants].map((e) => fieldByName(describe, e.field)).filter((f) => f && f.updateable && f.type !== 'id');
  return [...new Set(names.map((f) => (f as { name: string }).name))];
}

/**
 * Captured once per batch, BEFORE its first write, and stored with the batch: update reads the
 * records by Id (Collections retrieve), upsert by external id (the ones not found will be created).
 */
export async function captureBeforeImages(run: BatchRun, describe: DescribeSObjectResult): Promise<Buffer | undefined> {
  if (run.batch.beforeImages || (run.spec.operation !== 'update' && run.spec.operation !== 'upsert')) return undefined;
  const fields = writtenFields(run, describe);
  const records: BeforeImages['records'] = {};
  if (run.spec.operation === 'update') {
    const ids = run.prepared.rows.map((r) => String(r.record.Id));
    for (let i = 0; i < ids.length; i += 200) {
      const slice = ids.slice(i, i + 200);
      const found = await sfJson<(Record<string, unknown> | null)[]>(run.session, {
        method: 'POST', path: `/composite/sobjects/${run.spec.object}`, json: { ids: slice, fields: ['Id', ...fields] }, idempotent: true,
      });
      for (const rec of found) if (rec?.Id) records[toId18(String(rec.Id)) ?? String(rec.Id)] = pick(rec, fields);
    }
  } else {
    const ext = run.spec.externalIdField as string;
    const values = run.prepared.rows.map((r) => r.record[ext]).filter((v): v is string | number | boolean => v !== undefined && v !== null);
    const found = await findByField(run.session, run.spec.object, ext, values, fields);
    for (const rec of found.values()) records[toId18(String(rec.Id)) ?? String(rec.Id)] = pick(rec, fields);
  }
  return gzipSync(JSON.stringify({ fields, records } satisfies BeforeImages));
}

function pick(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
}

export async function readBeforeImages(services: Services, batch: BatchDoc): Promise<BeforeImages | undefined> {
  if (!batch.beforeImages) return undefined;
  const data = await readAttachment(services, batch._id, BEFORE_ATTACHMENT);
  return data ? (JSON.parse(gunzipSync(data).toString('utf8')) as BeforeImages) : undefined;
}
