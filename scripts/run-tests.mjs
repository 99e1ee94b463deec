// Runs the test tiers with node's own test runner (through tsx for TypeScript).
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...]; no argument runs unit + integration + e2e.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const tiers = process.argv.slice(2);
const selected = tiers.length > 0 ? tiers : ['unit', 'integration', 'e2e'];

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = selected.flatMap((tier) => testFiles(join('test', tier))).sort();
if (files.length === 0) {
  console.error(`no test files under test/${selected.join(', test/')}`);
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 1));
