// The Cloudant-limits front as a process of its own: node dist/src/embedded/cloudant-limits-main.js <target URL> <port>
// (npm start runs it in front of the embedded pouchdb-server; see cloudant-limits-proxy.ts).
import { startCloudantLimitsProxy } from './cloudant-limits-proxy.js';

const [target, port] = process.argv.slice(2);
if (!target || !port) {
  process.stderr.write('usage: cloudant-limits-main <target URL> <port>\n');
  process.exit(64);
}
const proxy = await startCloudantLimitsProxy(target, { port: Number(port) });
process.stdout.write(`${JSON.stringify({ msg: 'cloudant limits listening', url: proxy.url })}\n`);
const stop = () => void proxy.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
