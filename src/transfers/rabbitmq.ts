import { connect, type ChannelModel } from 'amqplib';
import { AppError } from '../errors.js';
import { logger } from '../logger.js';
import { fieldValue, type TransferRecord } from './model.js';

/** A connection to a RabbitMQ endpoint whose errors are logged (an unhandled 'error' would end the process). */
export async function connectRabbit(url: string): Promise<ChannelModel> {
  const connection = await connect(url);
  connection.on('error', (err: Error) => logger('worker').warn({ err }, 'RabbitMQ connection error'));
  return connection;
}

/** A message body as a record: a JSON object's fields (nested values as their JSON), otherwise `{ body }`. */
export function messageRecord(content: Buffer): TransferRecord {
  const text = content.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { body: text };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { body: text };
  const record: TransferRecord = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) record[key] = fieldValue(value);
  return record;
}

/** A queue or exchange the broker does not have (404) is the transfer's mistake: trying again will not make it. */
export async function mustExist<T>(what: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
    throw new AppError('TRANSFER_ENDPOINT_MISSING', 404, `RabbitMQ has no ${what}: declare it first, or correct the transfer.`, { cause: error });
  }
}

/** Runs `open` on a fresh connection, closing the connection when it throws (the end then never existed). */
export async function closedOnFailure<T>(connection: ChannelModel, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}
