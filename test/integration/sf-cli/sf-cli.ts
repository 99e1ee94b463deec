// Runs the official `sf` CLI against the Local org, with its state under a HOME this module creates.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSfCli, type SfInstall } from './install.js';

export interface SfResult<T = unknown> {
  exitCode: number;
  /** The `--json` output: {status, result, warnings} or {name, message, exitCode, ...} on failure. */
  json: { status: number; result: T; name?: string; message?: string; warnings?: string[] } & Record<string, unknown>;
  stdout: string;
  stderr: string;
}

export class SfCli {
  private constructor(readonly install: SfInstall, readonly home: string) {}

  /** Installs the CLI when the cache is empty (minutes, once per machine) and makes a fresh HOME. */
  static async create(): Promise<SfCli> {
    const install = await ensureSfCli();
    if (install.installMs > 0) console.log(`# sf CLI and Node installed in ${(install.installMs / 1000).toFixed(1)} s`);
    return new SfCli(install, await mkdtemp(join(tmpdir(), 'dms-sf-home-')));
  }

  /** A clean environment: nothing of the caller's (no NODE_OPTIONS, no real HOME), telemetry and updates off. */
  private env(extra: Record<string, string>): Record<string, string> {
    const home = this.home;
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_STATE_HOME: join(home, '.local', 'state'),
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_HIDE_RELEASE_NOTES: 'true',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_LOG_FILE: 'true',
      SF_CONTENT_TYPE: 'JSON',
      NODE_NO_WARNINGS: '1',
      // Node 22's module compile cache, kept with the install: each sf start loads a few thousand modules.
      NODE_COMPILE_CACHE: join(this.install.dir, 'compile-cache'),
      ...extra,
    };
  }

  /** Runs `sf <args> --json`; never throws on a non-zero exit (tests check exit codes). */
  run<T = unknown>(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<SfResult<T>> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.install.node, [this.install.run, ...args, '--json'], {
        cwd: options.cwd ?? this.home, env: this.env(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => {
        try {
          resolve({ exitCode: code ?? 1, json: JSON.parse(stdout) as SfResult<T>['json'], stdout, stderr });
        } catch {
          reject(new Error(`sf ${args.join(' ')} printed no JSON (exit ${code}): ${stdout.slice(0, 2000)} ${stderr.slice(0, 2000)}`));
        }
      });
    });
  }

  /** Runs a command that must succeed (exit 0, status 0) and returns its result. */
  async ok<T = unknown>(args: string[], options?: { cwd?: string; env?: Record<string, string> }): Promise<T> {
    const out = await this.run<T>(args, options);
    assert.equal(out.exitCode, 0, `sf ${args.join(' ')} failed: ${out.stdout.slice(0, 3000)}`);
    assert.equal(out.json.status, 0);
    return out.json.result;
  }

  /** `sf org login access-token` with a token from the org's password grant; returns the alias. */
  async loginAccessToken(url: string, accessToken: string, alias: string): Promise<Record<string, unknown>> {
    return this.ok(['org', 'login', 'access-token', '--instance-url', url, '--no-prompt', '--alias', alias], { env: { SF_ACCESS_TOKEN: accessToken } });
  }

  async close(): Promise<void> {
    await rm(this.home, { recursive: true, force: true });
  }
}
