import { childEnvironment, type Config } from '../config.js';
import { logger } from '../logger.js';
import { onShutdown } from '../lifecycle.js';
import { freePort, startEmbeddedCouch, startEmbeddedRedis, superviseChild, type ChildService, type Readiness } from '../embedded/index.js';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { procfileProcess } from './procfile.js';

/** The Procfile's process types that drain queues; they start once the web process has made the databases. */
const WORKER_TYPES = ['worker', 'parser', 'transfers'] as const;

/** Ready when `url` answers 2xx (`anyAnswer`: any HTTP answer, for a server without a health route). */
const answers = (url: string, anyAnswer = false) => () => fetch(url).then((res) => anyAnswer || res.ok, () => false);

/** The first admin's password file (the web process writes it before it is ready, on a first start in development). */
function initialAdminFile(config: Config): string | undefined {
  const path = join(config.dataDir, 'initial-admin.txt');
  return !config.initialAdmin && config.env === 'development' && existsSync(path) ? path : undefined;
}

/**
 * `dms start` / `npm start`: the Procfile's processes (web, worker, parser, transfers) and the Local org, each a child
 * process of this supervisor, so both cores work and no process's heap holds another's data; an embedded redis-server
 * and CouchDB-compatible server for whatever is not configured. A child that crashes is restarted; Ctrl+C or SIGTERM
 * stops DMS's processes first (their jobs end while Redis, CouchDB and the Local org still answer), then the rest.
 * Data lives under DATA_DIR.
 */
export async function startSupervisor(config: Config): Promise<void> {
  const log = logger('app');
  const backing: ChildService[] = [];
  const processes: ChildService[] = [];
  const stopProcesses = async () => {
    await Promise.all(processes.map((child) => child.stop()));
  };
  const stopBacking = async () => {
    for (const service of backing.reverse()) await service.stop();
  };
  const env: Record<string, string> = { DATA_DIR: config.dataDir };
  try {
    if (!config.redis) {
      const redis = await startEmbeddedRedis(config.dataDir, config.searchPath);
      backing.push(redis);
      env.REDIS_URL = redis.url;
      log.info({ url: redis.url }, 'embedded redis-server started');
    }
    if (!config.couch) {
      const couch = await startEmbeddedCouch(config.dataDir);
      backing.push(couch);
      env.COUCHDB_URL = couch.url;
      log.info({ url: couch.url }, 'embedded CouchDB-compatible server started');
    }
    if (config.emulator.enabled && !config.emulator.localOrgUrl) {
      // The Local org: `dms emulator` as a process of its own (it holds its records in memory), saved under DATA_DIR/emulator.
      const url = `http://127.0.0.1:${config.emulator.port || (await freePort())}`;
      backing.push(await superviseChild({
        name: 'Local org', command: process.execPath, env: childEnvironment(env), ready: answers(url, true), readyTimeoutMs: 60_000,
        args: [
          ...process.execArgv, process.argv[1], 'emulator',
          '--port', new URL(url).port, '--data', join(config.dataDir, 'emulator'),
          ...(config.emulator.recordTypesFile ? ['--record-types', config.emulator.recordTypesFile] : []),
        ],
      }));
      env.LOCAL_ORG_URL = url;
    }
    const port = config.http.port || (await freePort());
    const webUrl = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
    const launch = (type: 'web' | (typeof WORKER_TYPES)[number], ready: Readiness, name: string = type) => {
      const command = procfileProcess(type);
      return superviseChild({
        name, command: process.execPath, args: [...process.execArgv, ...command.nodeArgs], env: childEnvironment({ ...env, ...command.env, PORT: String(port) }),
        inheritOutput: true, ready, readyTimeoutMs: 60_000,
      });
    };
    processes.push(await launch('web', answers(`${webUrl}/readyz`)));
    // Worker processes say when they are ready: the banner comes once every process can take work (a first upload
    // no longer competes with their start-up for the cores).
    const extraWorkers = Array.from({ length: config.workerProcesses - 1 }, (_, i) => launch('worker', 'announced', `worker ${i + 2}`));
    processes.push(...(await Promise.all([...WORKER_TYPES.map((type) => launch(type, 'announced')), ...extraWorkers])));
    onShutdown([stopProcesses, stopBacking], { hardTimeoutMs: config.shutdownTimeoutMs + 8000 });
    const localOrg = env.LOCAL_ORG_URL && !config.emulator.localOrgUrl ? `\n  Local org (Salesforce emulator): ${env.LOCAL_ORG_URL}  user admin@local.org / password` : '';
    const adminFile = initialAdminFile(config);
    const signIn = adminFile ? `\n  sign in: the first admin's user name and password are in ${adminFile}` : '';
    const pids = [...backing, ...processes].map((child) => `${child.name} ${child.pid}`).join(', ');
    process.stdout.write(`\nDMS is running at ${webUrl}${signIn}${localOrg}\n  processes: ${pids}\n  data: ${config.dataDir}\n  stop with Ctrl+C\n\n`);
  } catch (error) {
    await stopProcesses();
    await stopBacking();
    throw error;
  }
}
