// The processes of an upload bench run, started as in production: pouchdb-server on disk (the embedded
// default of `npm start`), and the BUILT web and worker entries (`npm run start:web|start:worker`), so no
// TypeScript loader is counted in their speed or memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Proc { name: string; proc: ChildProcess }

/** Resident memory now (VmRSS) and at its peak so far (VmHWM), in MB. */
export function rssMb(proc: ChildProcess): { now: number; peak: number } {
  const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** CPU time used so far (user + system), in seconds: a figure that the machine's other load does not inflate much. */
export function cpuSeconds(proc: ChildProcess): number {
  const fields = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function startCouch(dir: string): Promise<Proc & { url: string }> {
  const bin = createRequire(import.meta.url).resolve('pouchdb-server/bin/pouchdb-server');
  const port = 20000 + Math.floor(Math.random() * 20000);
  mkdirSync(dir, { recursive: true });
  const proc = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', String(port), '--dir', dir, '--no-stdout-logs'], { cwd: dir, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return { name: 'pouchdb-server', proc, url };
    } catch {
      await sleep(100);
    }
  }
  throw new Error('pouchdb-server did not start');
}

/** Starts a built entry (dist/...) and resolves with the first JSON log line whose msg is `readyMsg`. */
export function startBuilt(name: string, entry: string, env: NodeJS.ProcessEnv, readyMsg: string): Promise<Proc & { line: Record<string, unknown> }> {
  const proc = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      const lines = (out + d.toString()).split('\n');
      out = lines.pop() ?? '';
      for (const text of lines) {
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line.level === 'error' || line.level === 'fatal' || (typeof line.level === 'number' && line.level >= 50)) process.stderr.write(`${name}: ${text}\n`);
        if (line.msg !== readyMsg) continue;
        proc.stdout?.off('data', onData);
        proc.stdout?.resume();
        resolve({ name, proc, line });
        return;
      }
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

export async function stopAll(procs: Proc[]): Promise<void> {
  for (const { proc } of procs) proc.kill('SIGTERM');
  await Promise.all(procs.map(({ proc }) => (proc.exitCode === null ? new Promise((resolve) => proc.once('exit', resolve)) : undefined)));
}
