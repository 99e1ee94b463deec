import { crc32, deflateRawSync } from 'node:zlib';

/** A zip entry already deflated (large ones are deflated as a stream); `declaredSize` lets its headers lie. */
export interface DeflatedEntry {
  name: string;
  deflated: Buffer;
  crc: number;
  size: number;
  declaredSize?: number;
}

/** A minimal zip writer for hand-made workbooks and zip bombs (tests and bench/hostile). */
export function zipOf(entries: DeflatedEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const header = (signature: number, length: number, fields: [at: number, value: number, bytes: 2 | 4][]) => {
      const bytes = Buffer.alloc(length);
      bytes.writeUInt32LE(signature, 0);
      for (const [at, value, size] of fields) {
        if (size === 2) bytes.writeUInt16LE(value, at);
        else bytes.writeUInt32LE(value >>> 0, at);
      }
      return bytes;
    };
    const size = entry.declaredSize ?? entry.size;
    // Version, method 8 (deflate), CRC, compressed and declared sizes, name length: at their offsets in each header.
    const local = header(0x04034b50, 30, [[4, 20, 2], [8, 8, 2], [14, entry.crc, 4], [18, entry.deflated.length, 4], [22, size, 4], [26, name.length, 2]]);
    const central = header(0x02014b50, 46, [
      [4, 20, 2], [6, 20, 2], [10, 8, 2], [16, entry.crc, 4], [20, entry.deflated.length, 4], [24, size, 4], [28, name.length, 2], [42, offset, 4],
    ]);
    locals.push(local, name, entry.deflated);
    centrals.push(central, name);
    offset += local.length + name.length + entry.deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A zip of small entries, each deflated whole. */
export function makeZip(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  return zipOf(entries.map(({ name, data, declaredSize }) => ({ name, deflated: deflateRawSync(data), crc: crc32(data), size: data.length, declaredSize })));
}
