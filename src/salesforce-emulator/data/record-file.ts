import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRow, encodeRow, encodedSize } from './row-codec.js';
import type { Row } from './table.js';

const HEADER = 8;
const WRITE_BUFFER = 1 << 20;
const SCAN_CHUNK = 4 << 20;
const FIRST_READ = 1024;

/** Closes the file of a record file that was dropped without close(). */
const orphans = new FinalizationRegistry<{ fd: number }>((held) => {
  if (held.fd >= 0) closeSync(held.fd);
});

/** Opens a new file that nothing else can see: unlinked at once, its space returns when the fd closes. */
function anonymousFile(): number {
  const dir = mkdtempSync(join(tmpdir(), 'dms-org-'));
  const fd = openSync(join(dir, 'records'), 'w+');
  rmSync(dir, { recursive: true, force: true });
  return fd;
}

/**
 * An append-only file of record versions: [row number u32][length u32][row-codec bytes], each at an 8-byte boundary,
 * so a u32 "slot" (position / 8) addresses 32 GB. A version is never rewritten; the table keeps which slot is
 * current per row. Writes gather in a 1 MB buffer; reads that reach into it flush it first.
 */
export class RecordFile {
  private readonly held = { fd: -1 };
  private end = 0;
  private flushed = 0;
  private pending = Buffer.allocUnsafe(WRITE_BUFFER);
  private pendingBytes = 0;
  private scratch = Buffer.allocUnsafe(FIRST_READ);

  constructor() {
    orphans.register(this, this.held, this);
  }

  private get fd(): number {
    if (this.held.fd < 0) this.held.fd = anonymousFile();
    return this.held.fd;
  }

  get bytes(): number {
    return this.end;
  }

  /** Appends one version of `row` and returns its slot. */
  append(row: number, values: Row): number {
    const length = encodedSize(values);
    const size = (HEADER + length + 7) & ~7;
    if (this.pendingBytes + size > this.pending.length) this.flush();
    if (size > this.pending.length) this.pending = Buffer.allocUnsafe(size);
    const at = this.pendingBytes;
    this.pending.writeUInt32LE(row, at);
    this.pending.writeUInt32LE(length, at + 4);
    encodeRow(values, this.pending, at + HEADER);
    this.pendingBytes += size;
    const slot = this.end / 8;
    this.end += size;
    return slot;
  }

  flush(): void {
    let done = 0;
    while (done < this.pendingBytes) done += writeSync(this.fd, this.pending, done, this.pendingBytes - done, this.flushed + done);
    this.flushed += this.pendingBytes;
    this.pendingBytes = 0;
  }

  /** The row stored at `slot`. */
  read(slot: number): Row {
    const position = slot * 8;
    if (position + HEADER > this.flushed) this.flush();
    let got = readSync(this.fd, this.scratch, 0, this.scratch.length, position);
    const length = this.scratch.readUInt32LE(4);
    if (HEADER + length > got) {
      if (HEADER + length > this.scratch.length) this.scratch = Buffer.allocUnsafe(HEADER + length);
      got = readSync(this.fd, this.scratch, 0, HEADER + length, position);
    }
    return decodeRow(this.scratch, HEADER);
  }

  /**
   * Walks the versions in file order from slot `from`; `visit(row, slot, buffer, start)` gets where the encoded
   * row starts in `buffer` and returns true to stop. Returns the slot after the version that stopped it, or -1 at the end.
   */
  scan(visit: (row: number, slot: number, buffer: Buffer, start: number) => boolean | void, from = 0): number {
    this.flush();
    let buffer = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(this.end, HEADER)));
    let position = from * 8;
    while (position < this.end) {
      const got = readSync(this.fd, buffer, 0, Math.min(buffer.length, this.end - position), position);
      let at = 0;
      while (at + HEADER <= got) {
        const length = buffer.readUInt32LE(at + 4);
        if (at + HEADER + length > got) break;
        const stop = visit(buffer.readUInt32LE(at), (position + at) / 8, buffer, at + HEADER);
        at += (HEADER + length + 7) & ~7;
        if (stop === true) return (position + at) / 8;
      }
      if (at === 0) buffer = Buffer.allocUnsafe(buffer.length * 2);
      position += at;
    }
    return -1;
  }

  clear(): void {
    this.pendingBytes = 0;
    this.end = 0;
    this.flushed = 0;
    if (this.held.fd >= 0) ftruncateSync(this.held.fd, 0);
  }

  close(): void {
    if (this.held.fd >= 0) closeSync(this.held.fd);
    this.held.fd = -1;
    orphans.unregister(this);
    this.clear();
  }
}
