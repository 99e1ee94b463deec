import { createServer, type Server } from 'node:http';
import type { Config } from './config.js';
import { createRequestListener, type AppOptions } from './app.js';
import { connectServices, type Services } from './services.js';
import { logger } from './logger.js';
import { ensureInitialAdmin } from './auth/index.js';

export interface WebProcess {
  server: Server;
  services: Services;
  url: string;
  /** Stops taking requests (readiness goes 503 first), waits for in-flight ones, closes connections. */
  stop(): Promise<void>;
}

/** Connects, builds the app and listens: shared by `dms web` (Procfile web:) and `dms start`. */
export async function startWeb(config: Config, options: Omit<AppOptions, 'readiness'> = {}): Promise<WebProcess> {
  const services = await connectServices(config, { role: 'web' });
  const readiness = { ready: false };
  const server = createServer(createRequestListener(services, { ...options, readiness }));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  // Ready once the first admin exists, so whoever waits for /readyz (npm start's banner, a script) can sign in; a
  // failure here is retried by the sign-in route.
  await ensureInitialAdmin(services).catch((err: unknown) => logger('app').error({ err }, 'could not create the first admin yet'));
  readiness.ready = true;
  logger('http').info({ url }, 'web listening');
  return {
    server,
    services,
    url,
    async stop() {
      readiness.ready = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Event streams never finish by themselves: cut what is still open after the grace period.
        setTimeout(() => server.closeAllConnections(), Math.max(0, config.shutdownTimeoutMs - 1000)).unref();
      });
      await services.close();
    },
  };
}
