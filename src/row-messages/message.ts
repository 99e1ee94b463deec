import { z } from 'zod';
import { translate } from '../i18n/index.js';
import { cutText } from '../cut-text.js';
import type { RowMessageKey, RowMessageParams } from './catalogue.js';

/**
 * A sentence about a row by its catalogue key, stored beside its English text (`message`) so pages say it in
 * the reader's language; `within` (a key of ROW_MESSAGE_FRAMES) is said around it, `column` (set when the
 * sentence is about a column) before it.
 */
export const RowMessage = z.object({
  key: z.string().min(1).max(100),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  within: z.string().max(100).optional(),
  column: z.string().optional(),
});
export type RowMessage = z.infer<typeof RowMessage>;

/** The English text and the keyed sentence, as a step or a check writes them. */
export interface Said { message: string; i18n: RowMessage }

/** A value quoted in a stored sentence keeps this many characters (a 100,000-character cell must not fill a document). */
const PARAM_CHARS = 200;

/** The arguments after a key: its parameters, or none for a key that has none. */
export type RowMessageArgs<K extends RowMessageKey> = keyof RowMessageParams<K> extends never ? [] : [RowMessageParams<K>];

export function rowMessage<K extends RowMessageKey>(key: K, ...args: RowMessageArgs<K>): Said {
  const params: Record<string, string | number> = args[0] ?? {};
  const kept = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? cutText(v, PARAM_CHARS) : v]));
  return { message: translate('en', key, params), i18n: Object.keys(kept).length ? { key, params: kept } : { key } };
}
