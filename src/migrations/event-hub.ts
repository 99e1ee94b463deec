import type { Redis } from 'ioredis';
import type { Services } from '../services.js';
import { redisReady } from '../cache/index.js';
import { logger } from '../logger.js';
import { eventsChannel } from './progress.js';

type Listener = (message: string) => void;
interface Hub { subscriber: Redis; listeners: Map<string, Set<Listener>> }

/** One Redis subscriber per process for every open SSE stream (not one connection per browser). */
const hubs = new WeakMap<Services, Promise<Hub>>();

async function openHub(services: Services): Promise<Hub> {
  const subscriber = services.redis.duplicate({ connectionName: 'dms-events' });
  subscriber.on('error', (err: Error) => logger('http').warn({ err }, 'migration events subscriber error'));
  const hub: Hub = { subscriber, listeners: new Map() };
  subscriber.on('message', (channel: string, message: string) => {
    for (const listener of hub.listeners.get(channel) ?? []) listener(message);
  });
  await redisReady(subscriber);
  return hub;
}

/** Calls `listener` with every progress event of one migration until the returned function is called. */
export async function subscribeMigration(services: Services, id: string, listener: Listener): Promise<() => void> {
  let hub: Hub;
  // Retry when the hub we waited for was closed meanwhile by its last listener leaving.
  for (;;) {
    let pending = hubs.get(services);
    if (!pending) hubs.set(services, (pending = openHub(services)));
    hub = await pending;
    if (hubs.get(services) === pending) break;
  }
  const channel = eventsChannel(id);
  let set = hub.listeners.get(channel);
  if (!set) {
    hub.listeners.set(channel, (set = new Set()));
    await hub.subscriber.subscribe(channel);
  }
  set.add(listener);
  const listeners = set;
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0 || hub.listeners.get(channel) !== listeners) return;
    hub.listeners.delete(channel);
    if (hub.listeners.size > 0) {
      hub.subscriber.unsubscribe(channel).catch(() => undefined);
      return;
    }
    // The last stream closed: give the connection back so idle processes (and tests) hold none.
    hubs.delete(services);
    hub.subscriber.disconnect();
  };
}
