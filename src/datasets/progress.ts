import type { Redis } from 'ioredis';
import { z } from 'zod';
import { publishChannel, subscribeChannel } from '../cache/index.js';
import { DatasetStatus } from './model.js';

/** What the parse publishes and the page follows; durable totals live on the dataset document. */
export const ParseProgress = z.object({
  status: DatasetStatus,
  bytesRead: z.number(),
  sizeBytes: z.number(),
  rowsRead: z.number(),
  chunks: z.number(),
  /** An export: the records the query returns, once Salesforce has said (the bar then counts rows, not bytes). */
  totalRows: z.number().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ParseProgress = z.infer<typeof ParseProgress>;

export const progressChannel = (datasetId: string): string => `dms:datasets:${datasetId}:progress`;

export const isFinal = (status: string): boolean => status === 'ready' || status === 'failed';

export async function publishProgress(redis: Redis, datasetId: string, progress: ParseProgress): Promise<void> {
  await publishChannel(redis, progressChannel(datasetId), progress);
}

/** Calls `onProgress` for each event published about one dataset; resolves once subscribed with stop(). */
export function subscribeProgress(redis: Redis, datasetId: string, onProgress: (progress: ParseProgress) => void): Promise<() => void> {
  return subscribeChannel(redis, progressChannel(datasetId), ParseProgress, onProgress);
}
