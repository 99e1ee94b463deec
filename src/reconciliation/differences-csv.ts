import type { Services } from '../services.js';
import { notFound } from '../errors.js';
import { csvLine } from '../salesforce/index.js';
import { DIFFERENCE_COLUMNS } from './model.js';
import { findReconciliation, readPiece } from './store.js';
import { inflateStoredSync } from '../blobs/index.js';

/** The differences file: a header, then each stored piece in order (memory holds one piece). */
export async function writeDifferencesCsv(services: Services, migrationId: string, write: (text: string) => Promise<void>): Promise<void> {
  const doc = await findReconciliation(services, migrationId);
  if (!doc || doc.state !== 'done') throw notFound(`A finished reconciliation of migration ${migrationId}`);
  await write(csvLine(DIFFERENCE_COLUMNS));
  for (let n = 0; n < doc.pieces.length; n++) await write(inflateStoredSync(await readPiece(services, migrationId, n)).toString('utf8'));
}
