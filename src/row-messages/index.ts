export { ROW_MESSAGES, ROW_MESSAGE_FRAMES, type RowMessageKey, type RowMessageParams } from './catalogue.js';
export { RowMessage, rowMessage, type RowMessageArgs, type Said } from './message.js';
