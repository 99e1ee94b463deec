// Runs one Local org for the record-store benchmark from the source tree at <root> (this checkout, or an older
// commit extracted by store-run.ts) and prints its URL; stops on SIGTERM.
// Usage: node --import tsx bench/emulator/store-org.ts <root>
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(process.argv[2] ?? '.');
const load = (path: string) => import(pathToFileURL(join(root, path)).href);
const { configureLogger } = (await load('src/logger.ts')) as { configureLogger: (o: { level: string }) => void };
const { startEmulator } = (await load('src/salesforce-emulator/index.ts')) as {
  startEmulator: (o: Record<string, unknown>) => Promise<{ url: string }>;
};
configureLogger({ level: 'warn' });
const emulator = await startEmulator({ dataDir: undefined, dailyApiRequests: 10_000_000 });
console.log(JSON.stringify({ url: emulator.url }));
process.once('SIGTERM', () => process.exit(0));
