import type { Services } from '../services.js';
import { logger } from '../logger.js';
import { sessionFor, toId18, writeCollection, type FlatRecord, type SalesforceSession, type WriteSpec } from '../salesforce/index.js';
import { readBeforeImages } from './before-images.js';
import { approvalHolds } from './approval.js';
import { reportState } from './progress.js';
import { getMigration, listBatches, readOutcomes, saveBatch, updateMigration, withState } from './store.js';

interface Tally { deleted: number; restored: number; failed: number }

/** Sends records 200 at a time; returns how many succeeded (a delete of an already deleted record counts: a re-run roll back). */
async function apply(session: SalesforceSession, spec: WriteSpec, records: FlatRecord[]): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  for (let i = 0; i < records.length; i += 200) {
    const results = await writeCollection(session, spec, records.slice(i, i + 200));
    for (const r of results) {
      if (r.success || r.errors[0]?.statusCode === 'ENTITY_IS_DELETED') ok++;
      else failed++;
    }
  }
  return { ok, failed };
}

/**
 * Undoes a run batch by batch (each batch marked when done, so a restarted job goes on where it
 * stopped): records it created are deleted; records it updated get the values captured before the update.
 */
export async function rollbackMigration(services: Services, migrationId: string): Promise<Tally> {
  const log = logger('migrations', { migrationId });
  const migration = await getMigration(services, migrationId);
  const tally: Tally = { deleted: 0, restored: 0, failed: 0 };
  if (migration.state !== 'rolling_back') return tally;
  if (migration.approval?.action === 'rollback' && !(await approvalHolds(services, migration))) return tally;
  const session = await sessionFor(services, migration.connectionId);
  const base = { object: migration.object, allOrNone: false };
  for (const batch of await listBatches(services, migrationId, migration.batchCount)) {
    if (!batch.rolledBack) {
      const outcomes = await readOutcomes(services, batch);
      const before = await readBeforeImages(services, batch);
      const created: FlatRecord[] = [];
      const restore: FlatRecord[] = [];
      for (const o of outcomes.values()) {
        if (o.status !== 'ok' || !o.id) continue;
        const id = toId18(o.id) ?? o.id;
        if (o.created) created.push({ Id: id });
        else if (before?.records[id]) restore.push({ Id: id, ...(before.records[id] as FlatRecord) });
      }
      const deleted = await apply(session, { ...base, operation: 'delete' }, created);
      const restored = await apply(session, { ...base, operation: 'update' }, restore);
      batch.rolledBack = { deleted: deleted.ok, restored: restored.ok, failed: deleted.failed + restored.failed };
      await saveBatch(services, batch);
    }
    tally.deleted += batch.rolledBack?.deleted ?? 0;
    tally.restored += batch.rolledBack?.restored ?? 0;
    tally.failed += batch.rolledBack?.failed ?? 0;
  }
  const doc = await updateMigration(services, migrationId, (m) => ({ ...withState(m, 'rolled_back', 'system'), rollback: tally }));
  await reportState(services, doc);
  log.info(tally, 'migration rolled back');
  return tally;
}
