import type { Redis } from 'ioredis';
import { z } from 'zod';
import { DatasetStatus } from './model.js';

/** What the parse publishes and the page follows; durable totals live on the dataset document. */
export const ParseProgress = z.object({
  status: DatasetStatus,
  bytesRead: z.number(),
  sizeBytes: z.number(),
  rowsRead: z.number(),
  chunks: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ParseProgress = z.infer<typeof ParseProgress>;

export const progressChannel = (datasetId: string): string => `dms:datasets:${datasetId}:progress`;

export const isFinal = (status: string): boolean => status === 'ready' || status === 'failed';

export async function publishProgress(redis: Redis, datasetId: string, progress: ParseProgress): Promise<void> {
  await redis.publish(progressChannel(datasetId), JSON.stringify(progress));
}

/**
 * Calls `onProgress` for each event published about one dataset, on a subscriber connection of its own
 * (a subscribed connection can do nothing else). Resolves once subscribed; call the returned stop().
 */
export async function subscribeProgress(redis: Redis, datasetId: string, onProgress: (progress: ParseProgress) => void): Promise<() => void> {
  const subscriber = redis.duplicate({ maxRetriesPerRequest: 3, enableOfflineQueue: true });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    const parsed = ParseProgress.safeParse(JSON.parse(message));
    if (parsed.success) onProgress(parsed.data);
  });
  try {
    await subscriber.subscribe(progressChannel(datasetId));
  } catch (error) {
    subscriber.disconnect();
    throw error;
  }
  return () => subscriber.disconnect();
}
