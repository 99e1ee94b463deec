import express, { Router } from 'express';
import { FaultSettings } from './options.js';
import { seedOrg, type EmulatorState } from './state.js';
import { recordJson } from './http/record-json.js';
import { coerce } from './data/coerce.js';
import { SfError } from './data/sf-error.js';
import type { Value } from './data/table.js';

/** `/__emulator/`: look inside the org, reset it and change faults at runtime. Mounted only when enabled. */
export function inspectionRouter(state: EmulatorState): Router {
  const router = Router();
  router.use(express.json());
  const counts = () => Object.fromEntries(state.store.allTables().map((t) => [t.schema.name, t.size]));
  router.get('/', (_req, res) => {
    res.json({
      objects: state.store.allTables().map((t) => ({ name: t.schema.name, keyPrefix: t.schema.keyPrefix, count: t.size, deleted: t.deletedCount })),
      apiUsage: { used: state.apiUsage.used, limit: state.options.dailyApiRequests },
      faults: state.faults.settings,
      jobs: { ingest: state.jobs?.ingest.size ?? 0, query: state.jobs?.query.size ?? 0 },
      sessions: state.sessions.size,
      logins: state.logins,
    });
  });
  router.get('/counts', (_req, res) => {
    res.json(counts());
  });
  router.get('/objects/:object/records', (req, res) => {
    const table = state.store.table(String(req.params.object));
    if (!table) return void res.status(404).json({ error: `Unknown object ${req.params.object}` });
    const limit = Math.min(10_000, Number(req.query.limit ?? 100) || 100);
    const offset = Number(req.query.offset ?? 0) || 0;
    const deleted = req.query.deleted === 'true';
    const used = table.usedFields();
    const records = table.page(offset, limit, deleted).map((row) => recordJson(table, String(table.get(row, 0)), row, 'v62.0', used));
    res.json({ totalSize: deleted ? table.deletedCount : table.size, offset, records });
  });
  // Sets stored values as they are, leaving LastModifiedDate, SystemModstamp and LastModifiedById alone: what a
  // before-save trigger or flow does inside another user's write, for tests of reconciliation.
  router.patch('/objects/:object/records/:id', (req, res) => {
    const table = state.store.table(String(req.params.object));
    const row = table?.row(String(req.params.id));
    if (!table || !row) return void res.status(404).json({ error: `No ${req.params.object} record ${req.params.id}` });
    const changes: Value[] = [];
    for (const [name, raw] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
      const fi = table.schema.byLower.get(name.toLowerCase());
      if (fi === undefined) return void res.status(400).json({ error: `No field ${name} on ${table.schema.name}` });
      const value = raw === null ? null : coerce(table.schema.fields[fi]!, raw);
      if (value instanceof SfError) return void res.status(400).json({ error: value.message });
      changes.push(fi, value);
    }
    table.apply(row, changes);
    table.put(String(req.params.id), row);
    res.json(recordJson(table, String(req.params.id), row, 'v62.0', table.usedFields()));
  });
  router.post('/reset', async (_req, res) => {
    state.store.reset();
    await state.jobs?.clear();
    state.cursors.clear();
    state.apiUsage.used = 0;
    state.faults.replace(state.options.faults);
    seedOrg(state);
    res.json({ reset: true, counts: counts() });
  });
  router.get('/faults', (_req, res) => {
    res.json(state.faults.settings);
  });
  router.post('/faults', (req, res) => {
    const parsed = FaultSettings.partial().strict().safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).json({ error: parsed.error.message });
    res.json(state.faults.replace({ ...state.faults.settings, ...parsed.data }));
  });
  router.delete('/faults', (_req, res) => {
    res.json(state.faults.replace(state.options.faults));
  });
  router.post('/api-usage', (req, res) => {
    const used = Number(req.body?.used);
    if (!Number.isInteger(used) || used < 0) return void res.status(400).json({ error: 'used must be a non-negative integer' });
    state.apiUsage.used = used;
    res.json({ used, limit: state.options.dailyApiRequests });
  });
  return router;
}
