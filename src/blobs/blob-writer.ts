import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { compressStored } from './compression.js';
import type { Store } from '../store/index.js';
import { isConflict, isMissing, putAttachment, withRetry } from '../store/index.js';
import { BLOB_PART_ATTACHMENT, PART_BYTES, manifestId, partContentType, partId, type BlobEncoding, type BlobManifest } from './model.js';

/** Text (CSV, JSON) shrinks 5-10x and then costs the store a fraction of the work; already-compressed files (xlsx, parquet) are kept as they are. */
const COMPRESSION_WORTH_IT = 0.8;
const compress = (data: Buffer) => compressStored(data, 512 * 1024);

export interface BlobSummary {
  blobId: string;
  size: number;
  parts: number;
  sha256: string;
}

/**
 * A Writable that stores what it receives as blob parts. At most two parts are in memory: the one
 * being filled and the one being written; the callback waits, so the source is paused (backpressure).
 * `finish` fires after the last part and the complete manifest are stored; read `summary` then.
 */
export class BlobWriter extends Writable {
  summary?: BlobSummary;
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private parts = 0;
  private size = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private manifestWritten?: Promise<void>;
  private encoding?: Promise<BlobEncoding>;

  /**
   * `onFirstPart` runs once the first part is stored, before the next is written (a parse can then follow
   * the blob while it arrives); its failure fails the write like a failed part.
   */
  constructor(
    private readonly store: Store,
    readonly blobId: string,
    private readonly contentType?: string,
    private readonly partBytes = PART_BYTES,
    private readonly onFirstPart?: () => Promise<void>,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.partBytes) {
      callback();
      return;
    }
    this.flushFullParts().then(() => callback(), callback);
  }

  private async flushFullParts(): Promise<void> {
    while (this.pendingBytes >= this.partBytes) await this.flushPart();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const finish = async () => {
      if (this.pendingBytes > 0 || this.parts === 0) await this.flushPart();
      await this.inFlight;
      const sha256 = this.hash.digest('hex');
      await this.putManifest({ complete: true, sha256 });
      this.summary = { blobId: this.blobId, size: this.size, parts: this.parts, sha256 };
    };
    finish().then(() => callback(), callback);
  }

  /** Resolves once no part write is running any more (so a delete after it leaves no stray part). */
  async settled(): Promise<void> {
    await Promise.allSettled([this.inFlight, this.manifestWritten]);
  }

  /** Starts writing the filled part; resolves once the previous one is stored (so two at most are held). */
  private async flushPart(): Promise<void> {
    const whole = Buffer.concat(this.pending, this.pendingBytes);
    const data = whole.subarray(0, this.partBytes);
    const rest = whole.subarray(this.partBytes);
    this.pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.pendingBytes = rest.length;
    const part = this.parts++;
    const previous = this.inFlight;
    // Compressed in the thread pool while the previous part is written; the first part decides for the blob.
    const first = this.encoding ? undefined : compress(data);
    this.encoding ??= first?.then((packed): BlobEncoding => (packed.length <= data.length * COMPRESSION_WORTH_IT ? 'br' : 'identity'));
    const encoding = this.encoding;
    const stored = (async () => ((await encoding) === 'br' ? (first ?? compress(data)) : data))();
    stored.catch(() => undefined); // awaited below
    this.manifestWritten ??= this.putManifest({ complete: false });
    const manifest = this.manifestWritten;
    this.inFlight = (async () => {
      await manifest;
      await previous;
      await this.storePart(part, await stored, partContentType(await encoding));
      if (part === 0) await this.onFirstPart?.();
    })();
    await previous;
    // A part that fails is reported by the next flush or by _final.
    this.inFlight.catch(() => undefined);
  }

  /** A part is a document holding only its attachment, sent as raw bytes. */
  private async storePart(part: number, bytes: Buffer, contentType: string): Promise<void> {
    try {
      await withRetry(() => putAttachment(this.store, 'blobs', partId(this.blobId, part), BLOB_PART_ATTACHMENT, bytes, contentType));
    } catch (error) {
      // Only this writer writes this blob's parts: a conflict is a retried request whose first attempt was stored.
      if (!isConflict(error)) throw error;
    }
  }

  private async putManifest(fields: Pick<BlobManifest, 'complete'> & { sha256?: string }): Promise<void> {
    const db = this.store.db<BlobManifest>('blobs');
    const encoding = await this.encoding;
    const id = manifestId(this.blobId);
    await this.store.client.authorize();
    let rev: string | undefined;
    try {
      rev = (await withRetry(() => db.get(id)))._rev;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    const doc: BlobManifest = {
      _id: id,
      ...(rev ? { _rev: rev } : {}),
      kind: 'blob',
      blobId: this.blobId,
      parts: this.parts,
      size: this.size,
      contentType: this.contentType,
      createdAt: new Date().toISOString(),
      ...(encoding ? { encoding } : {}),
      ...fields,
    };
    await withRetry(() => db.insert(doc));
  }
}
