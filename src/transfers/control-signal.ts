import type { Services } from '../services.js';

/**
 * A pause, resume or stop bumps this Redis key; a running transfer reads it before and after each read (one
 * cheap GET), so it obeys at once instead of at its next document save.
 */
const keyOf = (services: Services, transferId: string) => `${services.config.queue.prefix}:transfer:${transferId}:control`;

export async function signalControl(services: Services, transferId: string): Promise<void> {
  await services.redis.incr(keyOf(services, transferId));
}

/** Answers true once each time the key changed since the last call. */
export function controlWatch(services: Services, transferId: string): () => Promise<boolean> {
  let seen: string | null | undefined;
  return async () => {
    const now = await services.redis.get(keyOf(services, transferId));
    const changed = seen !== undefined && now !== seen;
    seen = now;
    return changed;
  };
}
