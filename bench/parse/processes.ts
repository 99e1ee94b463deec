// The processes of an upload bench run, started as in production: pouchdb-server on disk exactly as `npm start`
// embeds it (src/embedded), and the BUILT web and worker entries with the Procfile's flags, so no TypeScript loader
// is counted in their speed or memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Proc {
  name: string;
  /** Read at each use: the embedded pouchdb-server gets a new one if it is restarted. */
  readonly pid?: number;
  stop(): Promise<void>;
}

/** Resident memory now (VmRSS) and at its peak so far (VmHWM), in MB. */
export function rssMb(pid: number | undefined): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}


/** The node flags and built entry of a Procfile process (`web: node dist/src/server.js`). */
export function procfileArgs(name: 'web' | 'worker'): string[] {
  const line = readFileSync('Procfile', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  const [command, ...args] = (line ?? '').slice(name.length + 1).trim().split(/\s+/);
  if (command !== 'node' || args.length === 0) throw new Error(`Procfile has no "${name}: node ..." line`);
  return args;
}

/**
 * Starts a Procfile process exactly as the Procfile does (its node flags, its built entry) and resolves with the
 * first JSON log line whose msg is `readyMsg`.
 */
export function startProcfileProcess(name: 'web' | 'worker', env: NodeJS.ProcessEnv, readyMsg: string): Promise<Proc & { line: Record<string, unknown> }> {
  const proc = spawn(process.execPath, procfileArgs(name), { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
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
        resolve({ name, pid: proc.pid, stop, line });
        return;
      }
    };
    proc.stdout?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

export async function stopAll(procs: Proc[]): Promise<void> {
  await Promise.all(procs.map((proc) => proc.stop()));
}
