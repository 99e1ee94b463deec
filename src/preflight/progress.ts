import type { Redis } from 'ioredis';
import { ValidationProgress, type ValidationDoc } from './model.js';

export const validationChannel = (id: string): string => `dms:validations:${id}:progress`;

export const isFinished = (status: string): boolean => status === 'done' || status === 'failed';

export function progressOf(doc: ValidationDoc): ValidationProgress {
  return { status: doc.status, ...doc.progress, invalid: doc.report?.invalid ?? doc.progress.invalid, error: doc.error };
}

export async function publishValidationProgress(redis: Redis, id: string, progress: ValidationProgress): Promise<void> {
  await redis.publish(validationChannel(id), JSON.stringify(progress));
}

/** Calls `onProgress` for each event of one validation on a subscriber connection of its own; call the returned stop(). */
export async function subscribeValidation(redis: Redis, id: string, onProgress: (progress: ValidationProgress) => void): Promise<() => void> {
  const subscriber = redis.duplicate({ maxRetriesPerRequest: 3, enableOfflineQueue: true });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    const parsed = ValidationProgress.safeParse(JSON.parse(message));
    if (parsed.success) onProgress(parsed.data);
  });
  try {
    await subscriber.subscribe(validationChannel(id));
  } catch (error) {
    subscriber.disconnect();
    throw error;
  }
  return () => subscriber.disconnect();
}
