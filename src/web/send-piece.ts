import type { Response } from 'express';

/**
 * Writes a piece of a streamed download (a file, a report, an export): resolves once the socket drained, rejects
 * when the client went away, so the writer stops reading instead of waiting for a drain that never comes.
 */
export function sendPiece(res: Response, bytes: string | Uint8Array): Promise<void> {
  if (res.destroyed) return Promise.reject(new Error('the client closed the download'));
  if (res.write(bytes)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      res.off('drain', done);
      res.off('close', closed);
      if (error) reject(error);
      else resolve();
    };
    const closed = () => done(new Error('the client closed the download'));
    res.on('drain', done);
    res.on('close', closed);
  });
}
