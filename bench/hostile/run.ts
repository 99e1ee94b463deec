// Peak RSS of the parser process over hostile files (bench/hostile/generate.ts): each file is POSTed to the built
// web process and parsed by the built parser process (the Procfile's `parser:` line), with Redis and a pouchdb-server
// on disk, as bench/parse/upload-bench.ts runs them. The parser's peak RSS (VmHWM) is reset before each file
// (/proc/<pid>/clear_refs), so each row is that file's own peak. Writes bench/hostile/RESULTS.md.
// Usage: node --import tsx bench/hostile/run.ts [file names...]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startEmbeddedCouch } from '../../src/embedded/index.js';
import { rssMb } from '../migrate/processes.js';
import { startProcfileProcess, stopAll, type Proc } from '../parse/processes.js';
import { FILES, generate } from './generate.js';

interface Outcome { file: string; mb: number; status: string; code: string; seconds: number; peakMb: number }

function post(port: number, auth: string, file: string): Promise<{ status: number; body: string }> {
  const boundary = `hostile${randomBytes(4).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.split('/').pop()}"\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/datasets', headers: {
      authorization: auth, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + statSync(file).size + tail.length),
    } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write(head);
    const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
    stream.pipe(req, { end: false });
    stream.on('end', () => req.end(tail));
  });
}

async function main(): Promise<void> {
  const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(FILES);
  const paths = [];
  for (const name of names) paths.push(await generate(name));
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const id = randomBytes(4).toString('hex');
  const couchDir = `bench/out/hostile-couch-${id}`;
  const couch = await startEmbeddedCouch(couchDir);
  const password = randomBytes(12).toString('hex');
  const env = {
    ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: '0', COUCHDB_URL: couch.url, COUCHDB_DB_PREFIX: `h${id}_`, QUEUE_PREFIX: `hostile-${id}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', SECRET_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(16).toString('hex'),
    DMS_ADMIN_USER: 'bench', DMS_ADMIN_PASSWORD: password,
  };
  const procs: Proc[] = [couch];
  const outcomes: Outcome[] = [];
  const subscriber = new Redis(env.REDIS_URL);
  try {
    const web = await startProcfileProcess('web', { ...env, LOG_LEVEL: 'info' }, 'web listening');
    const parser = await startProcfileProcess('parser', { ...env, LOG_LEVEL: 'info' }, 'worker ready');
    procs.unshift(web, parser);
    const port = Number(new URL(String(web.line.url)).port);
    const auth = `Basic ${Buffer.from(`bench:${password}`).toString('base64')}`;
    const finals = new Map<string, { status: string; error?: { code: string } }>();
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const event = JSON.parse(message) as { status: string; error?: { code: string } };
      if (event.status === 'ready' || event.status === 'failed') finals.set(channel.split(':')[2], event);
    });
    await subscriber.psubscribe('dms:datasets:*:progress');
    for (const path of paths) {
      await sleep(1000);
      writeFileSync(`/proc/${parser.pid}/clear_refs`, '5');
      const started = performance.now();
      const answer = await post(port, auth, path);
      const body = JSON.parse(answer.body) as { id?: string; error?: { code: string } };
      let final: { status: string; error?: { code: string } } | undefined = { status: `HTTP ${answer.status}`, error: body.error };
      if (answer.status === 202 && body.id) while (!(final = finals.get(body.id))) await sleep(20);
      const outcome = { file: path.split('/').pop() as string, mb: statSync(path).size / 1e6, status: final.status, code: final.error?.code ?? '-', seconds: (performance.now() - started) / 1000, peakMb: rssMb(parser.pid).peak };
      outcomes.push(outcome);
      console.error(JSON.stringify(outcome));
    }
  } finally {
    subscriber.disconnect();
    await stopAll(procs);
    rmSync(couchDir, { recursive: true, force: true });
  }
  const largest = Math.max(...outcomes.map((o) => o.peakMb));
  const report = `# Hostile files: peak RSS of the parser process (bench/hostile)

Generated by \`node --import tsx bench/hostile/run.ts\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, shared 2-core machine).
Each file is POSTed to the built web process and parsed by the built parser process (Procfile \`parser:\`), with Redis
and a pouchdb-server on disk; the parser's peak RSS (VmHWM) is reset before each file. Files: bench/hostile/generate.ts.

| file | MB | outcome | code | seconds | parser peak RSS (MB) |
|---|---|---|---|---|---|
${outcomes.map((o) => `| ${o.file} | ${o.mb.toFixed(1)} | ${o.status} | ${o.code} | ${o.seconds.toFixed(1)} | ${o.peakMb.toFixed(0)} |`).join('\n')}

- **Largest peak RSS over the hostile files: ${largest.toFixed(0)} MB** (target < 512 MB: ${largest < 512 ? 'met' : 'NOT met'}).
`;
  writeFileSync('bench/hostile/RESULTS.md', report);
  console.log(report);
  process.exit(0);
}

await main();
