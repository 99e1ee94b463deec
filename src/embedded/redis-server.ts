import { mkdir } from 'node:fs/promises';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, superviseChild, type ChildService } from './child-service.js';

export class MissingRedisServerError extends Error {
  constructor() {
    super(
      'REDIS_URL is not set and no `redis-server` was found on PATH.\n' +
        '  Install one (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),\n' +
        '  or set REDIS_URL to a Redis you already run, e.g. REDIS_URL=redis://127.0.0.1:6379',
    );
    this.name = 'MissingRedisServerError';
  }
}

export function findOnPath(binary: string, path: string): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

async function answersPing(port: number): Promise<boolean> {
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Spawns redis-server on a free loopback port with AOF persistence under dataDir/redis and BullMQ's noeviction policy. */
export async function startEmbeddedRedis(dataDir: string, searchPath: string): Promise<ChildService & { url: string }> {
  const binary = findOnPath('redis-server', searchPath);
  if (!binary) throw new MissingRedisServerError();
  const dir = join(dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const service = await superviseChild({
    name: 'redis-server',
    command: binary,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'],
    ready: () => answersPing(port),
    pidFile: join(dir, 'server.pid'),
  });
  return Object.assign(service, { url: `redis://127.0.0.1:${port}` });
}
