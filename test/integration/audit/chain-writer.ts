// A separate process appending audit entries to the same chain as the test (the web and worker processes do so).
// Usage: node --import tsx chain-writer.ts <actor> <count>, with the test's REDIS_URL, COUCHDB_URL and prefixes.
import { loadConfig } from '../../../src/config.js';
import { connectServices } from '../../../src/services.js';
import { recordAudit } from '../../../src/audit/index.js';

const [actor = 'writer', count = '10'] = process.argv.slice(2);
const services = await connectServices(loadConfig(), { ensureSchema: false });
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) =>
    recordAudit(services, { actor, action: 'migration.pause', target: { type: 'migration', id: `m-${i}` } }),
  ),
);
await services.close();
