// A file POSTed to /api/v1/datasets as the browser's upload form sends it: one multipart part, streamed from disk.
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';

/** Resolves with the 202 answer's body (the new dataset as JSON); rejects on any other status. */
export function postDataset(port: number, auth: string, file: string, boundary: string, path = '/api/v1/datasets'): Promise<string> {
  const size = statSync(file).size;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path,
      headers: { authorization: auth, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => (res.statusCode === 202 ? resolve(text) : reject(new Error(`upload answered ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    req.write(head);
    const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
    stream.pipe(req, { end: false });
    stream.on('end', () => req.end(tail));
  });
}
