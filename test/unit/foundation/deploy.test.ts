import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { QUEUE_NAMES } from '../../../src/queue/index.js';
import { commandParts, procfileEntries } from '../../../src/cli/procfile.js';

/** The `key: value` settings of each `- name: dms-<process>` application in manifest.yml (comments left out). */
function manifestApps(): Map<string, Map<string, string>> {
  const apps = new Map<string, Map<string, string>>();
  let app: Map<string, string> | undefined;
  for (const line of readFileSync('manifest.yml', 'utf8').split('\n')) {
    const name = /^- name: dms-(\S+)/.exec(line)?.[1];
    if (name) apps.set(name, (app = new Map()));
    const setting = /^\s+([\w-]+): (.+)$/.exec(line);
    if (app && setting) app.set(setting[1], setting[2]);
  }
  return apps;
}

/** `command:` of each application in manifest.yml. */
const manifestCommands = () => new Map([...manifestApps()].map(([name, settings]) => [name, settings.get('command')]));

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

  test('transfers run in a process of their own, heap-capped to stay under 300 MB, in an app without a route', () => {
    const { env, args } = commandParts(procfileEntries().get('transfers') ?? '');
    assert.deepEqual(loadConfig(env).queue.queues, ['transfers']);
    const heapCap = Number(/^--max-old-space-size=(\d+)$/.exec(args.find((a) => a.startsWith('--max-old-space-size=')) ?? '')?.[1]);
    assert.ok(heapCap >= 128 && heapCap <= 200, `the transfers heap cap is ${heapCap} MB`);
    const app = manifestApps().get('transfers');
    assert.equal(app?.get('no-route'), 'true');
    assert.equal(app?.get('health-check-type'), 'process');
    const memory = Number(/^(\d+)M$/.exec(app?.get('memory') ?? '')?.[1]);
    assert.ok(memory >= 300 && memory <= 512, `dms-transfers has ${app?.get('memory')}: room for the 300 MB a capped process reaches`);
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
