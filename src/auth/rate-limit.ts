import type { Services } from '../services.js';
import { AppError } from '../errors.js';

/** Failed logins allowed per user name and per client address within the window. */
export const LOGIN_LIMITS = { perUser: 5, perAddress: 20, windowSeconds: 15 * 60 } as const;

const keys = (services: Services, username: string, address: string) => {
  const prefix = `${services.config.queue.prefix}:login-failures`;
  return { user: `${prefix}:user:${username.toLowerCase()}`, address: `${prefix}:addr:${address}` };
};

/** Throws 429 while a user name or an address has too many recent failures (checked before any password work). */
export async function assertLoginAllowed(services: Services, username: string, address: string): Promise<void> {
  const k = keys(services, username, address);
  const [user, addr] = await services.redis.mget(k.user, k.address);
  if (Number(user ?? 0) >= LOGIN_LIMITS.perUser || Number(addr ?? 0) >= LOGIN_LIMITS.perAddress) {
    const ttl = await services.redis.ttl(Number(user ?? 0) >= LOGIN_LIMITS.perUser ? k.user : k.address);
    throw new AppError('TOO_MANY_LOGINS', 429, `Too many failed sign-ins. Try again in ${Math.ceil(Math.max(ttl, 60) / 60)} minutes.`, {
      details: { retryAfterSeconds: Math.max(ttl, 1) },
    });
  }
}

export async function recordLoginFailure(services: Services, username: string, address: string): Promise<void> {
  const k = keys(services, username, address);
  await services.redis
    .multi()
    .incr(k.user)
    .expire(k.user, LOGIN_LIMITS.windowSeconds, 'NX')
    .incr(k.address)
    .expire(k.address, LOGIN_LIMITS.windowSeconds, 'NX')
    .exec();
}

export async function clearLoginFailures(services: Services, username: string, address: string): Promise<void> {
  await services.redis.del(keys(services, username, address).user);
}
