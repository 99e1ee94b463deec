import type { Redis } from 'ioredis';
import { ValidationProgress, type ValidationDoc } from './model.js';
import { publishChannel, subscribeChannel } from '../cache/index.js';

export const validationChannel = (id: string): string => `dms:validations:${id}:progress`;

export const isFinished = (status: string): boolean => status === 'done' || status === 'failed';

export function progressOf(doc: ValidationDoc): ValidationProgress {
  return { status: doc.status, ...doc.progress, invalid: doc.report?.invalid ?? doc.progress.invalid, error: doc.error };
}

export async function publishValidationProgress(redis: Redis, id: string, progress: ValidationProgress): Promise<void> {
  await publishChannel(redis, validationChannel(id), progress);
}

/** Calls `onProgress` for each event of one validation; resolves once subscribed with stop(). */
export function subscribeValidation(redis: Redis, id: string, onProgress: (progress: ValidationProgress) => void): Promise<() => void> {
  return subscribeChannel(redis, validationChannel(id), ValidationProgress, onProgress);
}
