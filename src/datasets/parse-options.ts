import { z } from 'zod';
import type { ReaderOptionsInput } from './readers/index.js';

const DELIMITER_NAMES: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|', caret: '^' };
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * The reader options a user may choose at upload or re-parse, as form or multipart fields (strings)
 * or JSON. Empty fields mean "detect".
 */
export const ParseOptions = z.object({
  encoding: z.preprocess(blankToUndefined, z.string().trim().min(1).max(40).optional()),
  delimiter: z.preprocess(
    (v) => (typeof v === 'string' && v !== '' ? (DELIMITER_NAMES[v.toLowerCase()] ?? v) : undefined),
    z.string().length(1, 'delimiter must be one character (or tab, comma, semicolon, pipe, caret)').optional(),
  ),
  hasHeader: z.preprocess(
    (v) => (v === 'true' || v === true ? true : v === 'false' || v === false ? false : blankToUndefined(v)),
    z.union([z.boolean(), z.literal('auto')]).optional(),
  ),
  onRaggedRows: z.preprocess(blankToUndefined, z.enum(['error', 'accept']).optional()),
  sheet: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  pickleIndex: z.preprocess(blankToUndefined, z.enum(['column', 'drop']).optional()),
});
export type ParseOptions = z.infer<typeof ParseOptions>;

export const PARSE_OPTION_FIELDS = Object.keys(ParseOptions.shape) as (keyof ParseOptions)[];

/** Drops unset options so the stored document only lists what the user chose. */
export function parseOptionsFrom(input: unknown): ParseOptions {
  const parsed = ParseOptions.parse(input ?? {});
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as ParseOptions;
}

export function readerOptionsFor(options: Record<string, unknown>): ReaderOptionsInput {
  return parseOptionsFrom(options) satisfies ReaderOptionsInput;
}
