import type { Request, Response } from 'express';

const HEARTBEAT_MS = 15_000;

export interface ProgressStream<T> {
  /** The current state, read before subscribing. */
  current: T;
  isFinal(event: T): boolean;
  /** Subscribes to live events; resolves with the unsubscribe function. */
  subscribe(onEvent: (event: T) => void): Promise<() => void>;
  /** The state read again after subscribing (the work may have finished in between); undefined if it is gone. */
  reread(): Promise<T | undefined>;
}

/**
 * Server-Sent Events of a job's progress (`event: progress`), ending once an event is final,
 * with a keep-alive comment so proxies do not close an idle stream.
 */
export async function streamProgress<T>(req: Request, res: Response, stream: ProgressStream<T>): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
  const state: { stop?: () => void; heartbeat?: NodeJS.Timeout; ended: boolean } = { ended: false };
  const end = () => {
    if (state.ended) return;
    state.ended = true;
    clearInterval(state.heartbeat);
    state.stop?.();
    res.end();
  };
  const send = (event: T) => {
    if (state.ended) return;
    res.write(`event: progress\ndata: ${JSON.stringify(event)}\n\n`);
    if (stream.isFinal(event)) end();
  };
  req.on('close', end);
  if (stream.isFinal(stream.current)) return send(stream.current);
  const stop = await stream.subscribe(send);
  if (state.ended) return stop();
  state.stop = stop;
  const now = await stream.reread();
  if (now === undefined) {
    res.write('event: deleted\ndata: {}\n\n');
    return end();
  }
  send(now);
  if (!state.ended) state.heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
}
