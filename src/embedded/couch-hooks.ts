/**
 * The module loaded into pouchdb-server (`node --import`) before it starts, as JavaScript source: the server is run by
 * plain node from the source tree and from dist alike. Each part patches a module pouchdb-server loads after it, so
 * the server is built with the patched functions.
 */

/** `require` as pouchdb-server's own, and as express-pouchdb's (its dependencies resolve from there). */
const PRELUDE = (bin: string) => `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(bin)});
const PouchDB = require('pouchdb-core');
const requireFromExpressPouch = createRequire(require.resolve('express-pouchdb'));`;

/**
 * PouchDB's `deterministic_revs: false`, which pouchdb-server has no flag for. A deterministic revision is an MD5 over
 * the whole document serialised as JSON, its attachment data included (a binary attachment as a JSON array of
 * numbers): that costs more than storing the document. A random revision id is what CouchDB clients get from PouchDB
 * before 7.0; nothing in DMS depends on revisions being equal across servers.
 */
const RANDOM_REVISIONS = `const defaults = PouchDB.defaults.bind(PouchDB);
PouchDB.defaults = (options) => defaults({ ...options, deterministic_revs: false });`;

/**
 * A database's `disk_size` measured at most once a second: pouchdb-size walks the database's folder (an lstat per
 * file) for each info, and pouchdb-server's authentication middleware asked `_users` for its info on every request
 * (~0.15 CPU seconds per 100 MB uploaded, bench/parse).
 */
const DISK_SIZE_ONCE_A_SECOND = `const size = requireFromExpressPouch('pouchdb-size');
const measure = size.getDiskSize;
const recent = new Map();
size.getDiskSize = function (callback) {
  const key = (this.__opts && this.__opts.prefix || '') + this.name;
  const known = recent.get(key);
  if (!callback && known && Date.now() - known.at < 1000) return known.size;
  const sized = measure.call(this, callback);
  if (!callback) recent.set(key, { at: Date.now(), size: sized });
  return sized;
};`;

/**
 * Each database's security object (its `_local/_security` document) read once, not on every request: express-pouchdb
 * reads it before each request to a database (one LevelDB get, and a not-found error to build when it is missing, as
 * for all DMS databases). Every write of that document (PUT /db/_security, a PUT or DELETE of _local/_security, a
 * _bulk_docs holding it) and a database's destruction forget the cached object, when the write starts and when it is
 * done: a read that overlapped a write is not kept. Keyed by the database's store name, which every PouchDB object of
 * one database shares; each caller gets its own copy (express-pouchdb fills in missing sections of what it gets).
 */
const SECURITY_CACHE = `const SECURITY_ID = '_local/_security';
const security = new Map();
const securityWrites = new Map();
const storeName = (db) => db.__opts && db.__opts.name;
function forgetSecurity(name) {
  security.delete(name);
  securityWrites.set(name, (securityWrites.get(name) || 0) + 1);
}
const uncached = new Set();
function forgettingSecurity(name, write, touchesSecurity) {
  return function (...args) {
    if (!touchesSecurity(...args)) return write.apply(this, args);
    forgetSecurity(name);
    const callback = args.at(-1);
    // PouchDB gives every write its callback; without one the write's end is unknown, so nothing is kept from then on.
    if (typeof callback !== 'function') {
      uncached.add(name);
      return write.apply(this, args);
    }
    return write.call(this, ...args.slice(0, -1), (...results) => {
      forgetSecurity(name);
      callback(...results);
    });
  };
}
function watchSecurityWrites(db) {
  const name = storeName(db);
  if (!name || typeof db._putLocal !== 'function') return;
  const isSecurity = (doc) => Boolean(doc) && doc._id === SECURITY_ID;
  db._putLocal = forgettingSecurity(name, db._putLocal, isSecurity);
  db._removeLocal = forgettingSecurity(name, db._removeLocal, isSecurity);
  const holdsSecurity = (request) => Array.isArray(request && request.docs) && request.docs.some(isSecurity);
  db._bulkDocs = forgettingSecurity(name, db._bulkDocs, holdsSecurity);
  db._destroy = forgettingSecurity(name, db._destroy, () => true);
}
const registerAdapter = PouchDB.adapter;
PouchDB.adapter = function (id, adapter, preferred) {
  const watched = Object.assign(function (options, callback) {
    const made = adapter.call(this, options, callback);
    watchSecurityWrites(this);
    return made;
  }, adapter);
  return registerAdapter.call(this, id, watched, preferred);
};
const Security = requireFromExpressPouch('pouchdb-security');
const nodify = createRequire(requireFromExpressPouch.resolve('pouchdb-security'))('promise-nodify');
const readSecurity = Security.getSecurity;
Security.getSecurity = function (callback) {
  const name = storeName(this);
  if (!name || uncached.has(name) || ['http', 'https'].includes(this.type())) return readSecurity.call(this, callback);
  const known = security.get(name);
  const writes = securityWrites.get(name) || 0;
  const read = known
    ? Promise.resolve(known)
    : this.get(SECURITY_ID).then(
        (doc) => ({ security: doc.security, keep: true }),
        (error) => ({ security: {}, keep: error.status === 404 }),
      );
  const answer = read.then((found) => {
    if (!known && found.keep && (securityWrites.get(name) || 0) === writes) security.set(name, found);
    return structuredClone(found.security);
  });
  nodify(answer, callback);
  return answer;
};`;

/**
 * A request without a session cookie or credentials (every DMS request to the embedded server) gets the anonymous
 * session: express-pouchdb asks the `_users` database for its info on each one only to put its name in the answer.
 * The name is kept per `_users` PouchDB object until that database is destroyed (express-pouchdb then makes a new
 * one); whether there are server admins is read each time, as before.
 */
const ANONYMOUS_SESSION = `const sessionApi = requireFromExpressPouch('pouchdb-auth/lib/sessionapi');
const authData = requireFromExpressPouch('pouchdb-auth/lib/utils');
const usersDbNames = new WeakMap();
const session = sessionApi.multiUserSession;
sessionApi.multiUserSession = function (sessionID, callback) {
  const db = this;
  const name = usersDbNames.get(db);
  if (sessionID || name === undefined) {
    const answer = session.call(db, sessionID, callback);
    if (!sessionID) answer.then((resp) => rememberUsersDbName(db, resp.info.authentication_db), () => {});
    return answer;
  }
  const admins = authData.dbDataFor(db).admins;
  const resp = {
    ok: true,
    userCtx: { name: null, roles: Object.keys(admins).length === 0 ? ['_admin'] : [] },
    info: { authentication_handlers: ['api'], authentication_db: name },
  };
  const answer = Promise.resolve(resp);
  nodify(answer, callback);
  return answer;
};
function rememberUsersDbName(db, name) {
  if (usersDbNames.has(db)) return;
  usersDbNames.set(db, name);
  const forget = () => usersDbNames.delete(db);
  db.once('destroyed', forget);
  db.once('closed', forget);
}`;

/** The hooks as a `data:` URL for `node --import`; `bin` is pouchdb-server's bin script (it resolves the modules). */
export function couchServerHooks(bin: string): string {
  const code = [PRELUDE(bin), RANDOM_REVISIONS, DISK_SIZE_ONCE_A_SECOND, SECURITY_CACHE, ANONYMOUS_SESSION].join('\n');
  return `data:text/javascript,${encodeURIComponent(code)}`;
}
