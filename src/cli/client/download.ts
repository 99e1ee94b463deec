import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CliError, EXIT } from './exit.js';
import { say } from './say.js';

/**
 * Streams a download's body into a file, or to stdout for `-o -`; never held whole in memory. The server cuts a
 * download that fails half-way: the partial file is removed, so that it is never taken for a whole one.
 */
export async function saveBody(res: Response, output: string, emptyMessage: string): Promise<void> {
  if (!res.body) throw new CliError(EXIT.refused, emptyMessage);
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  try {
    await pipeline(source, output === '-' ? process.stdout : createWriteStream(output));
  } catch (error) {
    if (output !== '-') await rm(output, { force: true });
    throw new CliError(EXIT.refused, say('cli.downloadCut', { file: output, reason: (error as Error).message }));
  }
}
