import type { Redis } from 'ioredis';
import type { z } from 'zod';

/**
 * Calls `onMessage` with each message published on `channel` that its schema accepts, on a
 * subscriber connection of its own (a subscribed connection can do nothing else).
 * Resolves once subscribed with the function that stops it.
 */
export async function subscribeChannel<S extends z.ZodType>(redis: Redis, channel: string, schema: S, onMessage: (message: z.infer<S>) => void): Promise<() => void> {
  const subscriber = redis.duplicate({ maxRetriesPerRequest: 3, enableOfflineQueue: true });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, raw: string) => {
    const parsed = schema.safeParse(JSON.parse(raw));
    if (parsed.success) onMessage(parsed.data);
  });
  try {
    await subscriber.subscribe(channel);
  } catch (error) {
    subscriber.disconnect();
    throw error;
  }
  return () => subscriber.disconnect();
}

export async function publishChannel(redis: Redis, channel: string, message: unknown): Promise<void> {
  await redis.publish(channel, JSON.stringify(message));
}
