import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { parsePipeline } from '../frame/index.js';
import { DeadLetterRetry, TransferRequest, defaultBatchSize, isFinished, type TransferDoc } from './model.js';
import { prepareEnds, resealEndpoints, sealEndpoints } from './open-ends.js';
import { signalControl } from './control-signal.js';
import { getTransfer, insertTransfer, transferDocId, updateTransfer } from './store.js';

const runJobId = (id: string, run: number, why = '') => `transfer-${id}-run-${run}${why}`;

async function enqueueRun(services: Services, id: string, run: number, why?: '-end'): Promise<void> {
  await services.producer.enqueue('transfer.run', { transferId: id, run }, { jobId: runJobId(id, run, why) });
}

/** Checks a transfer request and starts it: its document exists at once (running); a worker moves the records. */
export async function createTransfer(services: Services, input: unknown, requestedBy: string): Promise<TransferDoc> {
  const request = TransferRequest.parse(input);
  const pipeline = parsePipeline(request.pipeline);
  const id = randomUUID();
  const docId = transferDocId(id);
  const now = new Date().toISOString();
  const { endpoints, source, target: sealed } = sealEndpoints(services, docId, request.source, request.target);
  const name = request.name ?? `${request.source.kind} to ${request.target.kind} ${now.slice(0, 16)}`;
  const target = await prepareEnds(services, { id, name, mode: request.mode, createdBy: requestedBy, createdAt: now }, source, sealed);
  const doc = await insertTransfer(services.store, {
    _id: docId, kind: 'transfer', name, source, target, endpoints, pipeline, batchSize: request.batchSize ?? defaultBatchSize(request.target), bound: request.bound,
    mode: request.mode, status: 'running', run: 0,
    counts: { recordsIn: 0, recordsOut: 0, skipped: 0, deadLetters: 0, batches: 0, errors: 0 },
    boundState: { full: false }, createdBy: requestedBy, createdAt: now, updatedAt: now,
  });
  await enqueueRun(services, id, 0);
  return doc;
}

/**
 * A one-shot run of a saved transfer (a schedule's definition): its source, pipeline, target, batch size and bound,
 * its sealed endpoints sealed again for the new document, a dataset target's dataset made anew (each run fills its
 * own). The definition itself is left as it is.
 */
export async function startTransferFrom(
  services: Services, definitionId: string, name: string, requestedBy: string,
): Promise<TransferDoc> {
  const from = await getTransfer(services.store, definitionId);
  const id = randomUUID();
  const docId = transferDocId(id);
  const now = new Date().toISOString();
  const target = await prepareEnds(services, { id, name, mode: 'once', createdBy: requestedBy, createdAt: now }, from.source, from.target);
  const doc = await insertTransfer(services.store, {
    ...from, _id: docId, _rev: undefined, name, target, endpoints: resealEndpoints(services, from, docId), mode: 'once', status: 'running',
    definitionId: from.definitionId ?? definitionId,
    run: 0, position: undefined, lag: undefined, error: undefined, finishedAt: undefined,
    counts: { recordsIn: 0, recordsOut: 0, skipped: 0, deadLetters: 0, batches: 0, errors: 0 },
    boundState: { full: false }, createdBy: requestedBy, createdAt: now, updatedAt: now,
  });
  await enqueueRun(services, id, 0);
  return doc;
}

const refuse = (doc: TransferDoc, action: string) =>
  new AppError('TRANSFER_STATE', 409, `Transfer ${doc.name} is ${doc.status}: it cannot be ${action}.`);

/** The running batch finishes and is acknowledged; the run then ends until the transfer is resumed. */
export async function pauseTransfer(services: Services, id: string): Promise<TransferDoc> {
  const doc = await getTransfer(services.store, id);
  if (doc.status !== 'running' && doc.status !== 'waiting') throw refuse(doc, 'paused');
  const paused = await updateTransfer(services.store, id, (d) => ({ ...d, status: 'paused' }));
  await signalControl(services, id);
  return paused ?? doc;
}

/** A paused or failed transfer goes on from its saved position (a new run, so a new job). */
export async function resumeTransfer(services: Services, id: string): Promise<TransferDoc> {
  const doc = await getTransfer(services.store, id);
  if (doc.status !== 'paused' && doc.status !== 'failed') throw refuse(doc, 'resumed');
  const again = (d: TransferDoc): TransferDoc => ({ ...d, status: 'running', run: d.run + 1, error: undefined, finishedAt: undefined });
  const resumed = await updateTransfer(services.store, id, again);
  if (!resumed) throw refuse(doc, 'resumed');
  await signalControl(services, id);
  await enqueueRun(services, id, resumed.run);
  return resumed;
}

/** Stops for good: what was read and not written stays in the source, unacknowledged. */
export async function stopTransfer(services: Services, id: string): Promise<TransferDoc> {
  const doc = await getTransfer(services.store, id);
  if (isFinished(doc.status)) throw refuse(doc, 'stopped');
  const stopped = await updateTransfer(services.store, id, (d) => ({ ...d, status: 'stopped', finishedAt: new Date().toISOString() }));
  await signalControl(services, id);
  // No run is there to end a dataset target (paused, failed): a run job only for that.
  if (doc.status !== 'running' && doc.status !== 'waiting' && doc.target.kind === 'dataset') await enqueueRun(services, id, doc.run, '-end');
  return stopped ?? doc;
}

/** Sends the dead letters again in a job; the fix (a new pipeline) is saved on the transfer first. */
export async function requestDeadLetterRetry(services: Services, id: string, input: unknown): Promise<TransferDoc> {
  const fix = DeadLetterRetry.parse(input ?? {});
  const doc = await getTransfer(services.store, id);
  const pipeline = fix.pipeline === undefined ? undefined : parsePipeline(fix.pipeline);
  const updated = pipeline ? await updateTransfer(services.store, id, (d) => ({ ...d, pipeline })) : doc;
  const requestedAt = new Date().toISOString();
  const payload = { transferId: id, requestedAt, ...(fix.keys ? { keys: fix.keys } : {}) };
  await services.producer.enqueue('transfer.retry', payload, { jobId: `transfer-${id}-retry-${Date.parse(requestedAt)}` });
  return updated ?? doc;
}
