export { LastRun, ScheduleRequest, ScheduleDoc, ScheduledJob, scheduleIdOf } from './model.js';
export { createSchedule, deleteSchedule, getSchedule, listScheduleDocs, presentSchedule, setPaused, type ScheduleView } from './store.js';
export { restoreMissing } from './scheduler.js';
export { runSchedule } from './run.js';
