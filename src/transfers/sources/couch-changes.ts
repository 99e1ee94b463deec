import { setTimeout as sleep } from 'node:timers/promises';
import type { DocumentScope } from 'nano';
import type { SourceBatch, SourceEntry, TransferSource } from '../ends.js';
import { fieldValue, type TransferRecord } from '../model.js';

/** A document as a record: its fields (nested values as their JSON) without _rev, _id kept. */
export function documentRecord(doc: Record<string, unknown>): TransferRecord {
  const record: TransferRecord = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === '_rev' || key === '_attachments') continue;
    record[key] = fieldValue(value);
  }
  return record;
}

interface Change { id: string; seq: string | number; deleted?: boolean; doc?: Record<string, unknown> }
interface ChangesReply { results: Change[]; last_seq: string | number; pending?: number }

/**
 * A CouchDB/Cloudant database read through its changes feed from a saved sequence (the transfer's position):
 * the sequence is saved only after the target confirmed the batch, so a crash reads the batch again. Deleted
 * documents and design documents are passed over.
 */
export class CouchChangesSource implements TransferSource {
  private pending: number | undefined;

  constructor(private readonly db: DocumentScope<unknown>, private since: string) {}

  async read(max: number, waitMs: number): Promise<SourceBatch> {
    for (;;) {
      const reply = (await this.db.changes({ since: this.since, limit: max, include_docs: true })) as unknown as ChangesReply;
      this.pending = reply.pending;
      const entries: SourceEntry[] = reply.results
        .filter((change) => !change.deleted && change.doc && !change.id.startsWith('_design/'))
        .map((change) => ({ key: change.id, record: documentRecord(change.doc as Record<string, unknown>) }));
      const position = String(reply.last_seq);
      if (entries.length > 0) return { entries, position };
      if (reply.results.length === 0) {
        // Polled rather than a long poll: proxies in front of Cloudant cut long-held requests.
        await sleep(waitMs);
        return { entries, position };
      }
      // Only deletions or design documents: nothing to write, so the sequence moves on at once.
      this.since = position;
    }
  }

  async ack(batch: SourceBatch): Promise<void> {
    if (batch.position !== undefined) this.since = batch.position;
  }

  async lag(): Promise<number | undefined> {
    return this.pending;
  }

  async close(): Promise<void> {}
}
