import type { ApiClient } from './api.js';
import { CliError, EXIT } from './exit.js';
import { say } from './say.js';

export interface ScheduleView {
  id: string; name: string; cron: string; timezone: string; paused: boolean; nextRunAt?: string;
  job: { kind: string; object?: string; soql?: string };
  lastRun?: { at: string; migrationId?: string; datasetId?: string; error?: string };
}

export const listSchedules = async (api: ApiClient): Promise<ScheduleView[]> =>
  (await api.json<{ schedules: ScheduleView[] }>('GET', '/api/v1/schedules')).schedules;

/** One line a script can cut on tabs: id, state, cron and zone, next run, kind, name. */
export function scheduleLine(s: ScheduleView): string {
  const state = s.paused ? say('cli.schedulePaused') : say('cli.scheduleActive');
  return [s.id, state, `${s.cron} ${s.timezone}`, s.nextRunAt ?? '-', s.job.kind, s.name].join('\t');
}

/** Pauses or resumes a schedule given by its id or its name. */
export async function setSchedulePaused(api: ApiClient, idOrName: string, paused: boolean): Promise<ScheduleView> {
  const all = await listSchedules(api);
  const found = all.find((s) => s.id === idOrName) ?? all.find((s) => s.name === idOrName);
  if (!found) throw new CliError(EXIT.refused, say('cli.noSchedule', { schedule: idOrName }));
  return api.json<ScheduleView>('POST', `/api/v1/schedules/${encodeURIComponent(found.id)}/${paused ? 'pause' : 'resume'}`);
}
