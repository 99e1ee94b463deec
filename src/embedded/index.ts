export { startEmbeddedRedis, MissingRedisServerError, findOnPath } from './redis-server.js';
export { startEmbeddedCouch, MissingCouchServerError } from './couch-server.js';
export { announceReady, freePort, restartDelayMs, superviseChild, type ChildService, type Readiness } from './child-service.js';
