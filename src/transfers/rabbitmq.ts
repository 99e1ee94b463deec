import { connect, type ChannelModel } from 'amqplib';
import { logger } from '../logger.js';
import type { TransferRecord } from './model.js';

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
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    record[key] = value === null || ['string', 'number', 'boolean'].includes(typeof value) ? (value as TransferRecord[string]) : JSON.stringify(value);
  }
  return record;
}
