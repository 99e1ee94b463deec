import type { Services } from '../services.js';
import { deleteIdRange, getAttachment, idRange, isConflict, isMissing, putAttachment, withRetry } from '../store/index.js';
import { ReconciliationDoc, reconciliationId } from './model.js';
import { COMPRESSED_CONTENT_TYPE } from '../blobs/index.js';

const db = (services: Services) => services.store.db('migrations');

/** The differences of a reconciliation, one compressed piece per document (each piece stays far under 10 MB). */
export const PIECE_ATTACHMENT = 'differences.csv.gz';
const piecePrefix = (migrationId: string) => `${reconciliationId(migrationId)}:piece:`;
export const pieceId = (migrationId: string, n: number) => `${piecePrefix(migrationId)}${String(n).padStart(6, '0')}`;

export async function findReconciliation(services: Services, migrationId: string): Promise<ReconciliationDoc | undefined> {
  await services.store.client.authorize();
  try {
    return ReconciliationDoc.parse(await withRetry(() => db(services).get(reconciliationId(migrationId))));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Saves the summary; on a conflict (a second request raced this one) the newer revision is taken and written over. */
export async function saveReconciliation(services: Services, doc: ReconciliationDoc): Promise<ReconciliationDoc> {
  await services.store.client.authorize();
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await withRetry(() => db(services).insert(doc as never));
      return { ...doc, _rev: result.rev };
    } catch (error) {
      if (!isConflict(error) || attempt > 5) throw error;
      doc = { ...doc, _rev: (await findReconciliation(services, doc.migrationId))?._rev };
    }
  }
}

export async function putPiece(services: Services, migrationId: string, n: number, data: Buffer): Promise<void> {
  await withRetry(() => putAttachment(services.store, 'migrations', pieceId(migrationId, n), PIECE_ATTACHMENT, data, COMPRESSED_CONTENT_TYPE));
}

export function readPiece(services: Services, migrationId: string, n: number): Promise<Buffer> {
  return withRetry(() => getAttachment(services.store, 'migrations', pieceId(migrationId, n), PIECE_ATTACHMENT));
}

/** Removes the pieces of an earlier reconciliation before a new one writes its own. */
export function deletePieces(services: Services, migrationId: string): Promise<number> {
  return deleteIdRange(services.store, 'migrations', idRange(piecePrefix(migrationId)));
}
