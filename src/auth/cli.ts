import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { configOrExit } from '../config.js';
import { connectServices } from '../services.js';
import { Role } from './roles.js';
import { createUser } from './users.js';

async function readPassword(fromStdin: boolean): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: fromStdin ? undefined : process.stderr, terminal: false });
  try {
    if (!fromStdin) process.stderr.write('Password (at least 10 characters): ');
    for await (const line of rl) return line.trim();
    return '';
  } finally {
    rl.close();
  }
}

/** `dms create-user NAME --role admin [--password-stdin]`: the first admin, or any user, from a shell. */
export async function runCreateUser(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string', default: 'operator' }, 'password-stdin': { type: 'boolean', default: false } },
  });
  const username = positionals[0];
  if (!username) throw new Error('Usage: dms create-user NAME --role viewer|operator|admin [--password-stdin]');
  const role = Role.parse(values.role);
  const password = await readPassword(values['password-stdin'] ?? false);
  const services = await connectServices(configOrExit());
  try {
    const user = await createUser(services, { username, password, role }, 'cli');
    process.stdout.write(`created ${user.role} ${user.username}\n`);
  } finally {
    await services.close();
  }
}
