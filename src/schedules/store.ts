import { randomBytes } from 'node:crypto';
import type { Services } from '../services.js';
import { notFound } from '../errors.js';
import { checkExport } from '../exports/index.js';
import { idRange, isMissing, withRetry } from '../store/index.js';
import { getTransfer } from '../transfers/index.js';
import { ScheduleDoc, ScheduleRequest, scheduleIdOf } from './model.js';
import { activate, deactivate, nextRunAt } from './scheduler.js';

const db = (services: Services) => services.store.db<ScheduleDoc>('schedules');

export type ScheduleView = Omit<ScheduleDoc, '_id' | '_rev' | 'kind'> & { id: string; nextRunAt?: string };

export async function presentSchedule(services: Services, doc: ScheduleDoc): Promise<ScheduleView> {
  const { _id, _rev: _r, kind: _k, ...rest } = doc;
  return { id: scheduleIdOf(doc), ...rest, nextRunAt: doc.paused ? undefined : await nextRunAt(services, doc) };
}

export async function listScheduleDocs(services: Services): Promise<ScheduleDoc[]> {
  await services.store.client.authorize();
  const { start, end } = idRange('schedule:');
  const result = await withRetry(() => db(services).list({ startkey: start, endkey: end, include_docs: true, limit: 10_000 }));
  return result.rows.flatMap((row) => (row.doc ? [ScheduleDoc.parse(row.doc)] : []));
}

export async function getSchedule(services: Services, id: string): Promise<ScheduleDoc> {
  await services.store.client.authorize();
  try {
    return ScheduleDoc.parse(await withRetry(() => db(services).get(`schedule:${id}`)));
  } catch (error) {
    if (isMissing(error)) throw notFound(`Schedule ${id}`);
    throw error;
  }
}

export async function saveSchedule(services: Services, doc: ScheduleDoc): Promise<ScheduleDoc> {
  const saved = { ...doc, updatedAt: new Date().toISOString() };
  const result = await withRetry(() => db(services).insert(saved));
  return { ...saved, _rev: result.rev };
}

export async function createSchedule(services: Services, input: unknown, actor: string): Promise<ScheduleDoc> {
  const request = ScheduleRequest.parse(input);
  // An export's query is checked against the org's describe now rather than refused at its first run.
  if (request.job.kind === 'export') await checkExport(services, request.job);
  // A recurring transfer copies a saved one: it must be there now, not first at 2 a.m.
  if (request.job.kind === 'transfer') await getTransfer(services.store, request.job.transferId);
  const now = new Date().toISOString();
  const doc = await saveSchedule(services, {
    _id: `schedule:${randomBytes(6).toString('hex')}`, kind: 'schedule', ...request, createdBy: actor, createdAt: now, updatedAt: now,
  });
  if (!doc.paused) await activate(services, doc);
  return doc;
}

/** Paused: the scheduler is removed (nothing runs, nothing piles up); resumed: it starts again from the next cron time. */
export async function setPaused(services: Services, id: string, paused: boolean): Promise<ScheduleDoc> {
  const doc = await saveSchedule(services, { ...(await getSchedule(services, id)), paused });
  await (paused ? deactivate(services, doc) : activate(services, doc));
  return doc;
}

export async function deleteSchedule(services: Services, id: string): Promise<void> {
  const doc = await getSchedule(services, id);
  await deactivate(services, doc);
  await withRetry(() => db(services).destroy(doc._id, doc._rev as string));
}
