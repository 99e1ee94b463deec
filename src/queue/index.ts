export { JOBS, QUEUE_NAMES, isJobName, PingPayload, type JobName, type JobPayload, type JobInput, type QueueName } from './catalogue.js';
export { createProducer, type Producer } from './producer.js';
export { workerProcessName, workerProcessOf } from './worker-names.js';
export { jobLiveness, type JobLiveness } from './job-state.js';
