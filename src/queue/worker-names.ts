import { hostname } from 'node:os';

/**
 * The BullMQ worker name of this process (host and pid, no colon): every Worker a process starts carries it, so
 * Redis's client list tells processes apart whatever queues each drains, and every job records which process ran it.
 */
export const workerProcessName = (): string => `${hostname()}-${process.pid}`;

/**
 * The process behind one of BullMQ's worker clients (`getWorkers()`): a named worker's client name ends in
 * `:w:<name>`; an unnamed one (a process that predates names) counts as a process of its own.
 */
export function workerProcessOf(client: { rawname?: string; addr?: string }): string {
  const raw = client.rawname ?? '';
  return raw.includes(':w:') ? raw.slice(raw.lastIndexOf(':') + 1) : `${raw}@${client.addr ?? ''}`;
}
