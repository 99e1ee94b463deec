import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createRequestListener } from '../../src/app.js';
import { createUser, type Role } from '../../src/auth/index.js';
import { startEmulator, type RunningEmulator } from '../../src/salesforce-emulator/index.js';
import { startWorkers, type RunningWorkers } from '../../workers/runtime.js';
import { connectTestServices } from '../support/services.js';

export const ARTIFACTS = 'test-artifacts';
export const PASSWORD = 'e2e-password-123';

/** The whole app in-process on free ports: web, workers and the Salesforce emulator as the Local org. */
export interface Stack {
  url: string;
  services: Awaited<ReturnType<typeof connectTestServices>>;
  browser: Browser;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const emulator: RunningEmulator = await startEmulator({ port: 0, enableInspection: true });
  const services = await connectTestServices({ LOCAL_ORG_URL: emulator.url, SECRET_KEY: Buffer.alloc(32, 9).toString('base64') });
  for (const role of ['viewer', 'operator', 'admin'] as Role[]) await createUser(services, { username: role, password: PASSWORD, role }, 'e2e');
  const workers: RunningWorkers = startWorkers(services);
  const server: Server = createServer(createRequestListener(services, { localOrgUrl: emulator.url }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url,
    services,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await workers.close(2000);
      await services.cleanup();
      await emulator.close();
    },
  };
}

/** A fresh browser context signed in as `role` through the login form. */
export async function signedIn(stack: Stack, role: Role, locale = 'en-GB'): Promise<Page> {
  const context = await stack.browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${stack.url}/dashboard`);
  await page.fill('input[name=username]', role);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.click('form.stacked button[type=submit]')]);
  return page;
}

export const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
