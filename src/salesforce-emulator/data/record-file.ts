import {
  closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdtempSync, openSync, readSync, renameSync, rmSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeRow, encodeRow, maxEncodedSize } from './row-codec.js';
import type { Row } from './table.js';

const HEADER = 8;
const WRITE_BUFFER = 1 << 20;
const SCAN_CHUNK = 4 << 20;
const FIRST_READ = 1024;
/** Flags in the top bits of an entry's row word (row numbers stay below 2^30). */
const BINNED_FLAG = 0x80000000;
const CONTROL_FLAG = 0x40000000;
const ROW_MASK = 0x3fffffff;

/** What an entry of the file is: a version of a live record, of a recycle-bin record, or a control entry. */
export const ENTRY = { live: 0, binned: 1, control: 2 } as const;
export type EntryKind = (typeof ENTRY)[keyof typeof ENTRY];
export type EntryVisitor = (row: number, slot: number, buffer: Buffer, start: number, kind: EntryKind) => boolean | void;
/** What a compaction does with an entry: keep it as this kind, or drop it (undefined). */
export type EntryKeeper = (row: number, slot: number, buffer: Buffer, start: number, kind: EntryKind) => EntryKind | undefined;

/** The suffix of the file a compaction writes before it renames it over the record file. */
const COMPACTING = '.compacting';
const FLAG_OF: Record<EntryKind, number> = { [ENTRY.live]: 0, [ENTRY.binned]: BINNED_FLAG, [ENTRY.control]: CONTROL_FLAG };

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
 * An append-only file of entries [row word u32][length u32][bytes], each at an 8-byte boundary, so a u32 "slot"
 * (position / 8) addresses 32 GB. An entry is a record version (row-codec bytes; the row word's top bit marks a
 * recycle-bin version) or a control entry (second bit) that the table writes for what is not a new version: a
 * rollback or a hard delete, a field's slot. A version is never rewritten; the table keeps which slot is current
 * per row, and replaying the file in order rebuilds that. Writes gather in a 1 MB buffer; reads that reach into it
 * flush it first. Without a `path` the file is anonymous (unlinked at once); with one, it is the saved state.
 */
export class RecordFile {
  private readonly held = { fd: -1 };
  private end = 0;
  private flushed = 0;
  private pending = Buffer.allocUnsafe(WRITE_BUFFER);
  private pendingBytes = 0;
  private scratch = Buffer.allocUnsafe(FIRST_READ);
  /** The slot of the entry appended last. */
  private lastSlot = 0;

  constructor(private readonly path?: string) {
    orphans.register(this, this.held, this);
    // A compaction cut off by a kill left its new file unfinished; the record file itself is still whole.
    if (path) rmSync(`${path}${COMPACTING}`, { force: true });
    if (path && existsSync(path)) {
      this.end = fstatSync(this.fd).size;
      this.flushed = this.end;
    }
  }

  private get fd(): number {
    if (this.held.fd < 0) this.held.fd = this.path ? openSync(this.path, existsSync(this.path) ? 'r+' : 'w+') : anonymousFile();
    return this.held.fd;
  }

  get bytes(): number {
    return this.end;
  }

  /** Appends one version of `row` (a recycle-bin one when `binned`) and returns its slot. */
  append(row: number, values: Row, binned = false): number {
    const at = this.room(maxEncodedSize(values));
    return this.commit(at, encodeRow(values, this.pending, at + HEADER), (row | (binned ? BINNED_FLAG : 0)) >>> 0);
  }

  /** Appends a control entry about `row` holding `payload`. */
  appendControl(row: number, payload: Buffer): void {
    const at = this.room(payload.length);
    payload.copy(this.pending, at + HEADER);
    this.commit(at, payload.length, (row | CONTROL_FLAG) >>> 0);
  }

  /** Makes room for an entry of up to `length` bytes in the write buffer and returns where the entry starts. */
  private room(length: number): number {
    const size = (HEADER + length + 7) & ~7;
    if (this.pendingBytes + size > this.pending.length) this.flush();
    if (size > this.pending.length) this.pending = Buffer.allocUnsafe(size);
    return this.pendingBytes;
  }

  /** Ends the entry at `at` whose bytes (`length` of them) are written: its header, and the file's end; returns its slot. */
  private commit(at: number, length: number, word: number): number {
    this.pending.writeUInt32LE(word, at);
    this.pending.writeUInt32LE(length, at + 4);
    const size = (HEADER + length + 7) & ~7;
    this.pendingBytes += size;
    this.lastSlot = this.end / 8;
    this.end += size;
    return this.lastSlot;
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
   * Walks the entries in file order from slot `from`; `visit(row, slot, buffer, start, kind)` gets where the
   * entry's bytes start in `buffer` and returns true to stop. Returns the slot after the entry that stopped it, or
   * -1 at the end. An entry cut short at the end of the file (the process was killed while writing it) is dropped.
   */
  scan(visit: EntryVisitor, from = 0): number {
    this.flush();
    let buffer = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(this.end, HEADER)));
    let position = from * 8;
    while (position < this.end) {
      const got = readSync(this.fd, buffer, 0, Math.min(buffer.length, this.end - position), position);
      let at = 0;
      while (at + HEADER <= got) {
        const length = buffer.readUInt32LE(at + 4);
        if (at + HEADER + length > got) break;
        const word = buffer.readUInt32LE(at);
        const kind = word & CONTROL_FLAG ? ENTRY.control : word & BINNED_FLAG ? ENTRY.binned : ENTRY.live;
        const stop = visit(word & ROW_MASK, (position + at) / 8, buffer, at + HEADER, kind);
        at += (HEADER + length + 7) & ~7;
        if (stop === true) return (position + at) / 8;
      }
      if (at === 0 && this.cutShort(position, got, buffer)) break;
      if (at === 0) buffer = Buffer.allocUnsafe(buffer.length * 2);
      position += at;
    }
    return -1;
  }

  /** Whether the entry at `position` runs past the end of the file; if so the file is cut back to before it. */
  private cutShort(position: number, got: number, buffer: Buffer): boolean {
    const length = got >= HEADER ? buffer.readUInt32LE(4) : 0;
    if (got >= HEADER && position + HEADER + length <= this.end) return false;
    this.end = position;
    this.flushed = position;
    ftruncateSync(this.fd, position);
    return true;
  }

  /**
   * Rewrites a named file with only the entries `keep` keeps (in file order, as the kind it says), so old versions
   * and control entries stop taking space. Crash-safe: the new file is written beside the old one, synced, then
   * renamed over it (and the folder synced), so a kill at any point leaves one whole file. Returns the bytes saved.
   */
  compact(keep: EntryKeeper): number {
    if (!this.path) return 0;
    const temp = `${this.path}${COMPACTING}`;
    rmSync(temp, { force: true });
    // The new file is written as any record file is (its write buffer), each kept entry copied as it is.
    const out = new RecordFile(temp);
    this.scan((row, slot, input, start, kind) => {
      const kept = keep(row, slot, input, start, kind);
      if (kept === undefined) return;
      const length = input.readUInt32LE(start - 4);
      const at = out.room(length);
      input.copy(out.pending, at + HEADER, start, start + length);
      out.commit(at, length, (row | FLAG_OF[kept]) >>> 0);
    });
    out.flush();
    fsyncSync(out.fd);
    const written = out.end;
    out.close();
    if (this.held.fd >= 0) closeSync(this.held.fd);
    this.held.fd = -1;
    renameSync(temp, this.path);
    const folder = openSync(dirname(this.path), 'r');
    fsyncSync(folder);
    closeSync(folder);
    const saved = this.end - written;
    this.end = written;
    this.flushed = written;
    return saved;
  }

  clear(): void {
    this.pendingBytes = 0;
    this.end = 0;
    this.flushed = 0;
    if (this.held.fd >= 0) ftruncateSync(this.held.fd, 0);
  }

  /** Writes what is buffered and closes the file (an anonymous file's space comes back; a named one stays). */
  close(): void {
    if (this.held.fd >= 0) {
      this.flush();
      closeSync(this.held.fd);
    }
    this.held.fd = -1;
    orphans.unregister(this);
    this.pendingBytes = 0;
    this.end = 0;
    this.flushed = 0;
  }
}
