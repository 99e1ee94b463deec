import type { ByteSource } from './types.js';

/** Reads up to `bytes` from the start of the source, then closes it. */
export async function readHead(source: ByteSource, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  const stream = source();
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      parts.push(buffer);
      total += buffer.length;
      if (total >= bytes) break;
    }
  } finally {
    (stream as { destroy?: () => void }).destroy?.();
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

/** Reads the whole source into memory, refusing beyond `limit` bytes (formats that need random access). */
export async function readAll(source: ByteSource, limit: number, onTooLarge: () => Error): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of source()) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buffer.length;
    if (total > limit) throw onTooLarge();
    parts.push(buffer);
  }
  return Buffer.concat(parts, total);
}

export async function* bufferChunks(source: ByteSource): AsyncGenerator<Buffer> {
  for await (const chunk of source()) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
}
