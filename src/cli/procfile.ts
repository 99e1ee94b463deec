import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectPath } from '../paths.js';

/** `name: command` for each line of the Procfile (web, worker, parser, transfers): what Cloud Foundry and `npm start` run. */
export function procfileEntries(): Map<string, string> {
  const lines = readFileSync(projectPath('Procfile'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

/** A command's leading `NAME=value` settings, its program and the program's arguments. */
export function commandParts(command: string): { env: Record<string, string>; program: string; args: string[] } {
  const words = command.split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [key, ...value] = (words.shift() as string).split('=');
    env[key] = value.join('=');
  }
  const [program = '', ...args] = words;
  return { env, program, args };
}

/** The folder this build runs from: dist/ (or a benchmark's build folder), or the project itself under tsx. */
const BUILD_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * How to run a Procfile process as a child of this build: its settings, and node's arguments with the Procfile's
 * `dist/<entry>.js` taken from the folder this code runs from (the .ts source when not built: the caller passes on its
 * own node flags, which then hold tsx's loader).
 */
export function procfileProcess(name: string): { env: Record<string, string>; nodeArgs: string[] } {
  const { env, program, args } = commandParts(procfileEntries().get(name) ?? '');
  if (program !== 'node' || !args.some((a) => a.startsWith('dist/'))) throw new Error(`the Procfile has no "${name}: [NAME=value ...] node ... dist/<entry>.js" line`);
  const entry = (arg: string) => join(BUILD_ROOT, FROM_SOURCE ? arg.slice('dist/'.length).replace(/\.js$/, '.ts') : arg.slice('dist/'.length));
  return { env, nodeArgs: args.map((a) => (a.startsWith('dist/') ? entry(a) : a)) };
}
