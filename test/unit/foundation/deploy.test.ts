import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../../src/config.js';
import { QUEUE_NAMES } from '../../../src/queue/index.js';

/** `name: command` per Procfile line. */
function procfile(): Map<string, string> {
  const lines = readFileSync('Procfile', 'utf8').split('\n').filter((l) => l.trim() !== '');
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

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

/** The NAME=value settings that lead a command. */
function leadingEnv(command: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of command.split(/\s+/)) {
    const setting = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word);
    if (!setting) break;
    env[setting[1]] = setting[2];
  }
  return env;
}

describe('deployment files', () => {
  test('manifest.yml runs each Procfile process with the same command', () => {
    assert.deepEqual(manifestCommands(), procfile());
  });

  test('npm run start:<process> runs each Procfile process with the same command', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const [name, command] of procfile()) assert.equal(scripts[`start:${name}`], command, `start:${name}`);
  });

  test('every queue is drained by exactly one worker-type process', () => {
    const drained = [...procfile().values()]
      .filter((command) => command.includes('dist/workers/index.js'))
      .flatMap((command) => loadConfig(leadingEnv(command)).queue.queues);
    assert.deepEqual([...drained].sort(), [...QUEUE_NAMES].sort());
  });
});
