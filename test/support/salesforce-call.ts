// A process of its own that makes one Salesforce call through the sessions the workers use (sessionFor): what a
// new worker process does before its first batch. Prints the answer's daily API maximum, or the error, and exits.
import { loadConfig } from '../../src/config.js';
import { connectServices } from '../../src/services.js';
import { sessionFor, sfJson } from '../../src/salesforce/index.js';

const services = await connectServices(loadConfig(), { role: 'worker' });
try {
  const limits = await sfJson<{ DailyApiRequests: { Max: number } }>(await sessionFor(services, 'local'), { method: 'GET', path: '/limits' });
  console.log(JSON.stringify({ max: limits.DailyApiRequests.Max }));
} finally {
  await services.close();
}
