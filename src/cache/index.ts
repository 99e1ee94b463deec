export { createRedis, redisReady, redisVersion, type RedisRole } from './redis.js';
