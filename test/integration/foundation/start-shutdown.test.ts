import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuiltCli, BUILT_CLI } from '../../support/cli.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The built `dms start` in a process group of its own (a terminal's), up to its banner. */
async function startDms(extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; dataDir: string; output: () => string; bannerAt: () => number; exited: Promise<number | null> }> {
  ensureBuiltCli();
  const dataDir = await mkdtemp(join(tmpdir(), 'dms-start-'));
  const env = { PATH: process.env.PATH ?? '', HOME: dataDir, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'development', ...extraEnv };
  const child = spawn(process.execPath, [BUILT_CLI, 'start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // When the banner reached this process: later than the supervisor printed it.
  let bannerAt = 0;
  const take = (d: Buffer) => {
    output += d.toString();
    if (!bannerAt && output.includes('DMS is running at')) bannerAt = Date.now();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('DMS is running at')) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `dms start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, dataDir, output: () => output, bannerAt: () => bannerAt, exited };
}

/** `npm start` in a terminal, then Ctrl+C: the signal reaches the whole process group at once. */
async function stopWithin5s(dms: Awaited<ReturnType<typeof startDms>>, signal: 'SIGINT' | 'SIGTERM', pids: number[]): Promise<void> {
  const started = Date.now();
  process.kill(-(dms.child.pid as number), signal);
  const code = await Promise.race([dms.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
  if (code === 'hung') process.kill(-(dms.child.pid as number), 'SIGKILL');
  const took = Date.now() - started;
  const after = dms.output().slice(dms.output().lastIndexOf('DMS is running at'));
  const stopping = after.slice(after.indexOf('shutting down'));
  assert.equal(code, 0, `exit code ${code} after ${took} ms:\n${stopping.slice(0, 3000)}`);
  assert.ok(took < 5000, `stopping took ${took} ms`);
  assert.doesNotMatch(stopping, /restarting|ECONNREFUSED|took too long/, stopping.slice(0, 3000));
  for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} is gone`);
  await rm(dms.dataDir, { recursive: true, force: true });
}

/** The banner's `processes: web 123, worker 124, ...` line. */
const processIds = (output: string) => new Map([...(/processes: (.*)/.exec(output)?.[1] ?? '').matchAll(/([\w -]+?) (\d+)(?:, |$)/g)].map((m) => [m[1], Number(m[2])]));

// SIGTERM with WORKER_PROCESSES=2: the second worker process is started and stopped like the first.
for (const [signal, workers] of [['SIGINT', 1], ['SIGTERM', 2]] as const) {
  test(`dms start (${workers} worker process(es)) stopped by ${signal} to its process group restarts nothing and ends within 5 s`, async (t) => {
    const dms = await startDms({ WORKER_PROCESSES: String(workers) });
    // A failed assertion must not leave the processes running (they would keep the test process alive): DMS stops them.
    t.after(() => {
      if (dms.child.exitCode === null) process.kill(-(dms.child.pid as number), 'SIGTERM');
    });
    const pids = await Promise.all(['redis', 'couch'].map(async (dir) => Number(await readFile(join(dms.dataDir, dir, 'server.pid'), 'utf8'))));
    assert.ok(pids.every((pid) => alive(pid)), 'the embedded Redis and CouchDB run');
    const children = processIds(dms.output());
    const workerNames = workers === 2 ? ['worker', 'worker 2'] : ['worker'];
    assert.deepEqual([...children.keys()].sort(), ['Local org', 'parser', 'pouchdb-server', 'redis-server', 'transfers', 'web', ...workerNames], dms.output());
    assert.ok([...children.values()].every((pid) => alive(pid) && pid !== dms.child.pid), 'each runs as a process of its own');
    // The banner means every process can take work: each worker process was ready (its log line's time) before the banner
    // reached this test. The line itself may land in the terminal after the banner: a process's log writes are
    // asynchronous, its "ready" message to the supervisor is not.
    const readyAt = new Map<number, number>();
    const deadline = Date.now() + 10_000;
    for (;;) {
      for (const line of dms.output().split('\n').filter((l) => l.includes('"worker ready"'))) {
        const { pid, time } = JSON.parse(line) as { pid: number; time: number };
        readyAt.set(pid, time);
      }
      const missing = ['parser', 'transfers', ...workerNames].filter((name) => !readyAt.has(children.get(name)!));
      if (missing.length === 0) break;
      assert.ok(Date.now() < deadline, `${missing.join(', ')} never said ready:\n${dms.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const name of ['parser', 'transfers', ...workerNames]) {
      assert.ok(readyAt.get(children.get(name)!)! <= dms.bannerAt(), `${name} was ready before the banner:\n${dms.output()}`);
    }
    await stopWithin5s(dms, signal, [...pids, ...children.values()]);
  });
}

test('dms start restarts a web or worker process that crashed, and the web answers again', async () => {
  const dms = await startDms();
  const children = processIds(dms.output());
  const url = /DMS is running at (\S+)/.exec(dms.output())?.[1] as string;
  for (const name of ['web', 'worker']) process.kill(children.get(name) as number, 'SIGKILL');
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) || (dms.output().match(/restarting/g) ?? []).length < 2) {
    assert.ok(Date.now() < deadline, `web and worker were not restarted:\n${dms.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(dms.child.exitCode, null, 'the supervisor runs on');
  await stopWithin5s(dms, 'SIGTERM', []);
});
