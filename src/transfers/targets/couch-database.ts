import type { DocumentScope } from 'nano';
import type { Room, TransferTarget, WriteOutcome } from '../ends.js';
import type { TransferRecord } from '../model.js';

interface BulkReply { id?: string; rev?: string; error?: string; reason?: string }

/**
 * A CouchDB/Cloudant database written with _bulk_docs. With `idField` (or records that carry `_id`) a record
 * already there is updated (its current _rev fetched and the write sent again), so a repeated batch changes
 * nothing. The bound is the database's document count.
 */
export class CouchDatabaseTarget implements TransferTarget {
  constructor(
    private readonly db: DocumentScope<unknown>, private readonly idField: string | undefined, private readonly bound: number | undefined,
  ) {}

  async room(): Promise<Room> {
    if (this.bound === undefined) return {};
    const { doc_count: used } = await this.db.info();
    return { free: Math.max(0, this.bound - used), used, limit: this.bound, reason: `database holds ${used} of ${this.bound} documents` };
  }

  private documentOf(record: TransferRecord): Record<string, unknown> {
    const id = this.idField ? record[this.idField] : record._id;
    const { _rev: _ignored, ...fields } = record;
    return id === undefined || id === null ? fields : { ...fields, _id: String(id) };
  }

  async write(records: TransferRecord[]): Promise<WriteOutcome[]> {
    const docs = records.map((record) => this.documentOf(record));
    const replies = (await this.db.bulk({ docs })) as BulkReply[];
    const conflicts = replies.flatMap((reply, i) => (reply.error === 'conflict' ? [i] : []));
    if (conflicts.length > 0) {
      const keys = conflicts.map((i) => String(docs[i]._id));
      const current = await this.db.fetchRevs({ keys });
      const again = conflicts.map((i, n) => {
        const row = current.rows[n] as { value?: { rev?: string } };
        return { ...docs[i], _rev: row.value?.rev };
      });
      const retried = (await this.db.bulk({ docs: again })) as BulkReply[];
      conflicts.forEach((i, n) => {
        replies[i] = retried[n];
      });
    }
    return replies.map((reply): WriteOutcome =>
      reply.error ? { ok: false, code: reply.error.toUpperCase(), reason: reply.reason ?? reply.error } : { ok: true });
  }

  async close(): Promise<void> {}
}
