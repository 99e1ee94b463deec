import type { Services } from '../src/services.js';
import { getMigration } from '../src/migrations/index.js';
import { notifyRunEnd } from '../src/webhooks/index.js';

/** After a finalize: the webhooks that follow the run's end hear of it (completed or failed). */
export async function notifyEnd(services: Services, migrationId: string): Promise<void> {
  const { state } = await getMigration(services, migrationId);
  if (state === 'completed' || state === 'failed') await notifyRunEnd(services, migrationId, state);
}
