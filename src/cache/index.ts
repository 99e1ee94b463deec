export { createRedis, redisReady, redisVersion, type RedisRole } from './redis.js';
export { publishChannel, subscribeChannel } from './channels.js';
export { releaseLock, tryLock, withLock } from './lock.js';
