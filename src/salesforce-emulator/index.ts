import type { AddressInfo } from 'node:net';
import { logger } from '../logger.js';
import { createEmulatorApp } from './app.js';
import type { EmulatorOptionsInput } from './options.js';
import { saveState } from './persistence.js';
import type { EmulatorState } from './state.js';

export { createEmulatorApp } from './app.js';
export { EmulatorOptions, FaultSettings, type EmulatorOptionsInput } from './options.js';
export { parseFaultHeader, FAULT_HEADER } from './faults.js';
export type { EmulatorState } from './state.js';


export interface StartOptions extends EmulatorOptionsInput {
  port?: number;
  host?: string;
}

export interface RunningEmulator {
  url: string;
  state: EmulatorState;
  close(): Promise<void>;
}

/**
 * Starts the emulator on host:port (port 0 = a free port); with dataDir, what changed is saved every saveIntervalMs
 * and on close.
 */
export async function startEmulator({ port = 0, host = '127.0.0.1', ...input }: StartOptions = {}): Promise<RunningEmulator> {
  const { app, state } = await createEmulatorApp(input);
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  const dataDir = state.options.dataDir;
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    if (!dataDir) return saving;
    saving = saving.then(() => saveState(state, dataDir)).catch((err: unknown) => logger('emulator').error({ err }, 'saving emulator state failed'));
    return saving;
  };
  const timer = dataDir ? setInterval(() => void save(), state.options.saveIntervalMs) : undefined;
  timer?.unref();
  logger('emulator').info({ url, dataDir }, 'Salesforce emulator listening');
  return {
    url,
    state,
    async close() {
      if (timer) clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await state.jobs?.idle();
      await save();
      state.jobs?.close();
      state.store.close();
    },
  };
}
