import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUILT_CLI = 'dist/src/cli/index.js';

/** The newest modification time under a folder of sources. */
function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}

/** The tests drive the built `dms`, as users run it: built first when missing or older than src/ (CI builds before testing). */
export function ensureBuiltCli(): void {
  if (existsSync(BUILT_CLI) && statSync(BUILT_CLI).mtimeMs >= newest('src')) return;
  const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
}

export interface CliRun { code: number | null; stdout: string; stderr: string }

/** Runs `dms ...args` as a child process with its own HOME (config folder) and optional stdin. */
export function runCli(args: string[], options: { home: string; stdin?: string; env?: Record<string, string> }): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: options.home, LOG_LEVEL: 'silent', ...options.env };
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
