import { createWriteStream } from 'node:fs';
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
 * close then refuses the job). False, with the file cut back to what it held, when the body passes `maxBytes`.
 */
export async function storeUpload(job: IngestJob, req: Request, maxBytes: number): Promise<boolean> {
  await mkdir(job.dir, { recursive: true });
  const before = job.uploadBytes;
  const out = createWriteStream(job.uploadPath, { flags: 'a' });
  let tooLarge = false;
  let lines = 0;
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
  out.end();
  await once(out, 'close');
  if (!tooLarge) {
    job.uploadLines += lines;
    return true;
  }
  job.uploadBytes = before;
  await truncate(job.uploadPath, before);
  return false;
}
