import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CliError, EXIT } from './exit.js';

/** Streams a download's body into a file, or to stdout for `-o -`; never held whole in memory. */
export async function saveBody(res: Response, output: string, emptyMessage: string): Promise<void> {
  if (!res.body) throw new CliError(EXIT.refused, emptyMessage);
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  await pipeline(source, output === '-' ? process.stdout : createWriteStream(output));
}
