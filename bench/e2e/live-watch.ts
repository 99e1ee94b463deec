// The bench watches a dataset and a run as their pages do (public/js/dataset-progress.js, migration-live.js): through
// their Server-Sent Events, the run's status JSON fetched 200 ms after the last event and at least every 2 s. Polling
// the status every 100 ms instead cost the web process and the CouchDB-compatible server ~0.8 CPU-s a 1M-row run,
// load that a user's page does not make.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchView, PhaseClock, RunView } from './phases.js';

export interface ServerEvent { event: string; data: string }

/** The events of an SSE stream as they arrive, until it ends or `signal` aborts it. */
export async function* serverEvents(url: URL, auth: string, signal?: AbortSignal): AsyncGenerator<ServerEvent> {
  const res = await fetch(url, { headers: { authorization: auth, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new Error(`GET ${url.pathname} answered ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(piece, { stream: true });
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) yield { event, data: data.join('\n') };
      }
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}

/** Resolves when the dataset's progress stream says ready; fails when it says failed. */
export async function datasetReady(base: string, auth: string, id: string): Promise<void> {
  for await (const { event, data } of serverEvents(new URL(`/api/v1/datasets/${id}/events`, base), auth)) {
    if (event !== 'progress') continue;
    const { status, error } = JSON.parse(data) as { status: string; error?: unknown };
    if (status === 'ready') return;
    if (status === 'failed') throw new Error(`the parse failed: ${JSON.stringify(error)}`);
  }
  throw new Error(`the progress stream of dataset ${id} ended before it was ready`);
}

type RunEvent = { type: 'state'; state: string } | { type: 'batch'; progress: BatchView } | { type: 'budget' };
const FINISHED = ['completed', 'failed', 'cancelled'];

/**
 * Watches a run until it finishes: `completed` is marked when its stream says so (the moment the web process hears
 * it), phases from its batch events and its status. Answers the status fetched after the end.
 */
export async function watchRun<V extends RunView>(fetchStatus: () => Promise<V>, events: URL, auth: string, phases: PhaseClock): Promise<V> {
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let lastRefresh = Date.now();
  let failure: unknown;
  const refresh = () => {
    lastRefresh = Date.now();
    fetchStatus().then((view) => phases.see(view), (error: unknown) => { failure ??= error; stop.abort(); });
  };
  const ticker = setInterval(() => { if (Date.now() - lastRefresh >= 2000) refresh(); }, 1000);
  try {
    for await (const { event, data } of serverEvents(events, auth, stop.signal)) {
      if (event === 'status') {
        const view = JSON.parse(data) as V;
        phases.see(view);
        if (FINISHED.includes(view.migration.state)) break;
        continue;
      }
      const message = JSON.parse(data) as RunEvent;
      if (message.type === 'batch') phases.seeBatch(message.progress);
      if (message.type === 'state' && FINISHED.includes(message.state)) break;
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    }
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
    stop.abort();
  }
  if (failure) throw failure;
  phases.mark('completed');
  // The stream said it: the status says it too (its cached copy is dropped with each event), with the totals.
  for (;;) {
    const view = await fetchStatus();
    phases.see(view);
    if (FINISHED.includes(view.migration.state)) return view;
    await sleep(50);
  }
}
