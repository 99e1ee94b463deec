export {
  TransferRequest, TransferDoc, DeadLetterDoc, DeadLetterRetry, DeadLetterPage, TRANSFER_STATUSES, TransferStatus, isFinished,
  type TransferRecord,
} from './model.js';
export { createTransfer, startTransferFrom, pauseTransfer, resumeTransfer, stopTransfer, requestDeadLetterRetry } from './controls.js';
export { runTransfer, type TransferOutcome } from './run-transfer.js';
export { retryDeadLetters } from './dead-letters.js';
export { findTransfer, getTransfer, listTransfers, listDeadLetters } from './store.js';
export type { TransferSource, TransferTarget, SourceEntry, SourceBatch, Room, WriteOutcome } from './ends.js';
export { deadLetterPage, presentTransfer, presentDeadLetter, transferUrls, type TransferView } from './present.js';
export { endKinds, fieldErrors, knownEndpoints, transferRequestOfForm, type End, type FormValues, type KindSpec } from './form.js';
