// The baseline: the official Salesforce CLI's `sf data import bulk --wait 30` of the same file into a fresh Local org
// (the built `dms emulator` with a fresh data folder, as `npm start` runs it), the whole command timed (process start
// included, as a user would wait for it).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SfCli } from '../../test/integration/sf-cli/sf-cli.js';
import { freePort } from '../../src/embedded/index.js';
import { orgToken } from '../export/load-org.js';
import { BUILT_CLI } from './dms-start.js';
import { sampleTree, type TreeMemory } from './process-tree.js';

export interface SfImportRun {
  seconds: number;
  succeeded: number;
  /** The Local org's figures. */
  processes: TreeMemory[];
  /** CPU seconds of the sf CLI's processes (the bench's children other than the Local org). */
  cliCpuSeconds: number;
  /**
   * Seconds from the command's start until the Local org recorded its job JobComplete (the job's systemModstamp): the
   * CLI sees it at its next status poll, every 5 s (plugin-data's bulkIngest: job.poll(5000, ...)), so `seconds` moves
   * in steps of about 5 s with the Local org's speed; this does not.
   */
  jobCompleteSeconds: number;
}

/** When the org's only ingest job (the CLI's) last changed state: JobComplete, once the CLI has returned. */
async function jobCompletedAt(url: string): Promise<number> {
  const token = await orgToken(url);
  const res = await fetch(`${url}/services/data/v62.0/jobs/ingest`, { headers: { authorization: `Bearer ${token}` } });
  const { records } = (await res.json()) as { records: { state: string; systemModstamp: string }[] };
  if (records.length !== 1 || records[0].state !== 'JobComplete') throw new Error(`expected the CLI's one completed job, got ${JSON.stringify(records)}`);
  return Date.parse(records[0].systemModstamp.replace('+0000', 'Z'));
}

export async function sfImportRun(sf: SfCli, file: string, rows: number, alias: string): Promise<SfImportRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dms-e2e-org-'));
  const port = await freePort();
  const org = spawn(process.execPath, [BUILT_CLI, 'emulator', '--port', String(port), '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  org.stdout.on('data', (d: Buffer) => (output += d.toString()));
  org.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((done) => org.once('exit', () => done()));
  try {
    while (!output.includes('listening on')) {
      if (org.exitCode !== null) throw new Error(`the Local org did not start:\n${output}`);
      await sleep(50);
    }
    const url = `http://127.0.0.1:${port}`;
    await sf.loginAccessToken(url, await orgToken(url), alias);
    const memory = sampleTree(org.pid as number);
    const cli = sampleTree(process.pid);
    const t0 = performance.now();
    const startedAt = Date.now();
    const result = await sf.run<{ processedRecords: number; successfulRecords: number; failedRecords: number }>([
      'data', 'import', 'bulk', '--file', resolve(file), '--sobject', 'Account', '--wait', '30', '--target-org', alias,
    ]);
    const seconds = (performance.now() - t0) / 1000;
    const processes = await memory.stop();
    const cliCpuSeconds = (await cli.stop())
      .filter((p) => p.pid !== process.pid && p.pid !== org.pid)
      .reduce((sum, p) => sum + p.cpuSeconds, 0);
    if (result.exitCode !== 0 || result.json.result.successfulRecords !== rows) {
      throw new Error(`sf data import bulk: exit ${result.exitCode}, ${result.stdout.slice(0, 2000)}`);
    }
    const jobCompleteSeconds = ((await jobCompletedAt(url)) - startedAt) / 1000;
    return { seconds, succeeded: result.json.result.successfulRecords, processes, cliCpuSeconds, jobCompleteSeconds };
  } finally {
    // Its data folder is thrown away: a Local org still saving its records after 10 s is killed (it rewrote a 532 MB
    // Account.jsonl for minutes after an import of 1,000,000 records, 2026-12-06).
    org.kill('SIGTERM');
    const kill = setTimeout(() => org.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
    await rm(dataDir, { recursive: true, force: true });
  }
}
