import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { QUEUE_NAMES } from '../../../src/queue/index.js';
import { commandParts, procfileEntries } from '../../../src/cli/procfile.js';

/** `command:` of each `- name: dms-<process>` application in manifest.yml. */
function manifestCommands(): Map<string, string> {
  const commands = new Map<string, string>();
  let app = '';
  for (const line of readFileSync('manifest.yml', 'utf8').split('\n')) {
    app = /^- name: dms-(\S+)/.exec(line)?.[1] ?? app;
    const command = /^\s+command: (.+)$/.exec(line)?.[1];
    if (command && app) commands.set(app, command);
  }
  return commands;
}

describe('deployment files', () => {
  test('manifest.yml runs each Procfile process with the same command', () => {
    assert.deepEqual(manifestCommands(), procfileEntries());
  });

  test('npm run start:<process> runs each Procfile process with the same command', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const [name, command] of procfileEntries()) assert.equal(scripts[`start:${name}`], command, `start:${name}`);
  });

  test('every queue is drained by exactly one worker-type process', () => {
    const drained = [...procfileEntries().values()]
      .filter((command) => command.includes('dist/workers/index.js'))
      .flatMap((command) => loadConfig(commandParts(command).env).queue.queues);
    assert.deepEqual([...drained].sort(), [...QUEUE_NAMES].sort());
  });

  test('every production dependency is used by src/ or workers/ (benchmark and test packages are devDependencies)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
    });
    const code = ['src', 'workers'].flatMap(files).map((f) => readFileSync(f, 'utf8')).join('\n');
    // ejs is loaded by Express's view engine by name ('view engine', 'ejs').
    const used = (name: string) => name === 'ejs' || new RegExp(`['"]${name.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]`).test(code);
    assert.deepEqual(Object.keys(pkg.dependencies).filter((name) => !used(name)), []);
  });
});
