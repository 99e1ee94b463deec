export { startEmbeddedRedis, MissingRedisServerError, findOnPath } from './redis-server.js';
export { startEmbeddedCouch, MissingCouchServerError } from './couch-server.js';
export { freePort, superviseChild, type ChildService } from './child-service.js';
