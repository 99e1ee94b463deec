// Resident memory of every process of a tree, sampled with `ps` every 250 ms: the supervisor `npm start` runs and all
// its descendants. The embedded Redis and CouchDB run in process groups of their own (so Ctrl+C reaches DMS first),
// so the tree is followed by parent pid; the process group is taken too, for anything re-parented.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Row { pid: number; ppid: number; pgid: number; rssKb: number; args: string }

function ps(): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    execFile('ps', ['-e', '-o', 'pid=,ppid=,pgid=,rss=,args='], { maxBuffer: 8 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      resolve(stdout.split('\n').filter((l) => l.trim() !== '').map((line) => {
        const [pid, ppid, pgid, rss, ...args] = line.trim().split(/\s+/);
        return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), rssKb: Number(rss), args: args.join(' ') };
      }));
    });
  });
}

/** The queues a DMS worker process drains (its WORKER_QUEUES), to tell the Procfile's worker, parser and transfers apart. */
function workerQueues(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((v) => v.startsWith('WORKER_QUEUES='))?.slice(14) ?? '';
  } catch {
    return '';
  }
}

/** What a process of the tree is, in the Procfile's words where it is one of them. */
export function processLabel(pid: number, args: string): string {
  if (args.includes('redis-server')) return 'redis-server';
  if (args.includes('pouchdb-server')) return 'pouchdb-server';
  if (/cli\/index\.js start\b/.test(args)) return 'npm start (supervisor)';
  if (/cli\/index\.js emulator\b|local-org/.test(args)) return 'Local org';
  if (/server\.js|cli\/index\.js web\b/.test(args)) return 'web';
  if (/workers\/index\.js|cli\/index\.js worker\b/.test(args)) {
    const queues = workerQueues(pid);
    return queues === 'datasets' ? 'parser' : queues === 'transfers' ? 'transfers' : 'worker';
  }
  return args.slice(0, 60);
}

/**
 * `cpuSeconds`: CPU time used between the first and the last sample (the start-up of a process that ran before
 * sampling began is not in it; one started later counts from its start; the last ~250 ms of one that exits are lost).
 */
export interface TreeMemory { label: string; pid: number; peakMb: number; cpuSeconds: number }

/** CPU time (user + system) a process has used so far; its last sample stands once it is gone. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th (clock ticks of 10 ms).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Samples until stop(); then answers the peak RSS and the CPU seconds seen for each process (by pid, labelled). */
export function sampleTree(rootPid: number, intervalMs = 250): { stop(): Promise<TreeMemory[]>; now(): TreeMemory[] } {
  const peaks = new Map<number, TreeMemory>();
  /** CPU seconds at a process's first sample. */
  const cpuAtStart = new Map<number, number>();
  let running = true;
  let rounds = 0;
  const sample = async () => {
    const rows = await ps();
    const children = new Map<number, Row[]>();
    for (const row of rows) children.set(row.ppid, [...(children.get(row.ppid) ?? []), row]);
    const tree = new Set<Row>(rows.filter((r) => r.pid === rootPid || r.pgid === rootPid));
    for (const row of tree) for (const child of children.get(row.pid) ?? []) tree.add(child);
    for (const row of tree) {
      const seen = peaks.get(row.pid) ?? { label: processLabel(row.pid, row.args), pid: row.pid, peakMb: 0, cpuSeconds: 0 };
      seen.peakMb = Math.max(seen.peakMb, row.rssKb / 1024);
      const cpu = cpuSecondsOf(row.pid);
      if (cpu !== undefined) {
        // A process started after the first sample counts from its start.
        if (!cpuAtStart.has(row.pid)) cpuAtStart.set(row.pid, rounds === 0 ? cpu : 0);
        seen.cpuSeconds = cpu - (cpuAtStart.get(row.pid) ?? cpu);
      }
      peaks.set(row.pid, seen);
    }
    rounds++;
  };
  const loop = (async () => {
    while (running) {
      const next = Date.now() + intervalMs;
      await sample().catch(() => undefined);
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  })();
  return {
    /** The figures of the last sample (at most intervalMs old). */
    now: () => [...peaks.values()].map((p) => ({ ...p })),
    async stop() {
      running = false;
      await loop;
      return [...peaks.values()];
    },
  };
}

/** CPU seconds per label, summed over the processes of that label. */
export function cpuByLabel(processes: TreeMemory[]): Map<string, number> {
  const byLabel = new Map<string, number>();
  for (const p of processes) byLabel.set(p.label, (byLabel.get(p.label) ?? 0) + p.cpuSeconds);
  return byLabel;
}

/** The highest peak per label (a restarted or second process of the same kind counts under its label). */
export function peakByLabel(processes: TreeMemory[]): Map<string, number> {
  const byLabel = new Map<string, number>();
  for (const p of processes) byLabel.set(p.label, Math.max(byLabel.get(p.label) ?? 0, p.peakMb));
  return byLabel;
}
