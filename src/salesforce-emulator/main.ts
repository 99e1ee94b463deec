import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startEmulator } from './index.js';
import { EmulatorRecordType } from './options.js';

/**
 * `dms emulator [--port N] [--host H] [--data DIR] [--describe DIR] [--record-types FILE] [--jwt-cert FILE] [--inspect]`:
 * runs the local org
 * until SIGINT/SIGTERM. `--jwt-cert` is the PEM certificate (or public key) that JWT bearer logins are signed against.
 */
export async function runEmulatorCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3900' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      describe: { type: 'string' },
      'jwt-cert': { type: 'string' },
      'record-types': { type: 'string' },
      inspect: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const jwtCertificate = values['jwt-cert'] ? await readFile(values['jwt-cert'], 'utf8') : undefined;
  const recordTypesFile = values['record-types'];
  const recordTypes = recordTypesFile
    ? EmulatorRecordType.array().parse(JSON.parse(await readFile(recordTypesFile, 'utf8')))
    : undefined;
  const emulator = await startEmulator({
    port, host: values.host, dataDir: values.data, describeDir: values.describe, jwtCertificate, recordTypes,
    enableInspection: values.inspect,
  });
  const { options } = emulator.state;
  const user = options.users[0];
  process.stdout.write([
    `Salesforce emulator (local org) listening on ${emulator.url}`,
    `  login URL / instance URL: ${emulator.url}`,
    `  username: ${user.username}   password: ${user.password}${user.securityToken ? `   security token: ${user.securityToken}` : ''}`,
    `  client id: ${options.clientId}   client secret: ${options.clientSecret}`,
    `  data: ${options.dataDir ?? 'in memory'}   inspection: ${options.enableInspection ? `${emulator.url}/__emulator/` : 'off'}`,
    `  JWT bearer: ${values['jwt-cert'] ? `assertions verified with ${values['jwt-cert']}` : 'off (--jwt-cert FILE)'}`,
    '',
  ].join('\n'));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
}
