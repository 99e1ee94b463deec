import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, truncate } from 'node:fs/promises';
import { once } from 'node:events';
import type { Request } from 'express';
import type { IngestJob } from './ingest-job.js';

const LF = 10;

function countLineFeeds(chunk: Buffer): number {
  let n = 0;
  for (let at = chunk.indexOf(LF); at >= 0; at = chunk.indexOf(LF, at + 1)) n++;
  return n;
}

/**
 * Appends the request body to the job's upload file as it arrives (a second PUT lands after the first, and the
 * close then refuses the job). False, with the file cut back to what it held, when the body passes `maxBytes`;
 * a body cut off by the client (the connection dropped) is not an upload: the file is cut back and the error thrown.
 */
export async function storeUpload(job: IngestJob, req: Request, maxBytes: number): Promise<boolean> {
  await mkdir(job.dir, { recursive: true });
  const before = job.uploadBytes;
  const out = createWriteStream(job.uploadPath, { flags: 'a' });
  let tooLarge = false;
  let lines = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (tooLarge) continue;
      job.uploadBytes += chunk.length;
      if (job.uploadBytes > maxBytes) {
        tooLarge = true;
        continue;
      }
      lines += countLineFeeds(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } catch (error) {
    await cutBack(job, out, before);
    job.uploads -= 1;
    throw error;
  }
  if (tooLarge) {
    await cutBack(job, out, before);
    return false;
  }
  out.end();
  await once(out, 'close');
  job.uploadLines += lines;
  return true;
}

async function cutBack(job: IngestJob, out: WriteStream, bytes: number): Promise<void> {
  out.end();
  await once(out, 'close');
  job.uploadBytes = bytes;
  await truncate(job.uploadPath, bytes);
}
