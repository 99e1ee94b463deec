import { z } from 'zod';
import { ROW_ISSUE_CODES } from './step-context.js';

/** A literal a step may write into a cell (JSON has no dates: dates are 'YYYY-MM-DD' strings). */
export const Literal = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const columnName = z.string().min(1).max(255);
const columns = z.array(columnName).min(1);

export const CastType = z.enum(['string', 'number', 'integer', 'boolean', 'date', 'datetime']);

/**
 * What a bad value does to its row (steps that can meet one: cast, regexReplace, valueMap, derive,
 * aggregate). 'fail' (the default): the row issue fails the row when its column is mapped. 'null':
 * the cell becomes null and the issue stays a remark; the row goes on.
 */
export const OnInvalid = z.enum(['fail', 'null']);
const onInvalid = { onInvalid: OnInvalid.optional() };

export const CastStep = z.object({
  op: z.literal('cast'),
  columns,
  to: CastType,
  /** Explicit input format for date/datetime: tokens YYYY YY MM M DD D HH H mm ss SSS. */
  format: z.string().min(1).max(64).optional(),
  /** Without a format: how to read 03/04/2024 (ISO 'YYYY-MM-DD' is always understood). */
  order: z.enum(['DMY', 'MDY']).optional(),
  /** IANA zone of wall-clock date-times without an offset; default UTC. */
  timeZone: z.string().min(1).max(64).optional(),
  decimalSeparator: z.enum(['.', ',']).optional(),
  thousandsSeparator: z.enum([',', '.', ' ', "'"]).optional(),
  trueValues: z.array(z.string()).optional(),
  falseValues: z.array(z.string()).optional(),
  ...onInvalid,
});

const textColumns = { columns };

/** An API name (object or field) as SOQL takes it unquoted: letters, digits, underscores. */
const apiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'an API name: letters, digits and underscores');

/**
 * Resolves a relationship by any field of the parent: the Id of the one `object` record whose `field`
 * equals the cell of `column` goes into `into` (e.g. Company -> Account.Name -> AccountId).
 */
export const LookupStep = z.object({
  op: z.literal('lookup'), column: columnName, object: apiName, field: apiName, into: columnName,
});

export const PipelineStep = z.discriminatedUnion('op', [
  z.object({ op: z.literal('select'), columns }),
  z.object({ op: z.literal('drop'), columns }),
  z.object({ op: z.literal('rename'), mapping: z.record(columnName, columnName) }),
  /** The listed columns first, in this order; the others keep their order after them. */
  z.object({ op: z.literal('reorder'), columns }),
  CastStep,
  z.object({ op: z.literal('trim'), ...textColumns }),
  z.object({ op: z.literal('collapseWhitespace'), ...textColumns }),
  z.object({ op: z.literal('case'), ...textColumns, mode: z.enum(['upper', 'lower', 'title']) }),
  z.object({ op: z.literal('replace'), ...textColumns, find: z.string().min(1), replacement: z.string() }),
  z.object({
    op: z.literal('regexReplace'), ...textColumns,
    pattern: z.string().min(1).max(200), flags: z.string().regex(/^[gims]*$/).optional(), replacement: z.string(), ...onInvalid,
  }),
  z.object({
    op: z.literal('valueMap'), ...textColumns,
    map: z.record(z.string(), Literal),
    caseInsensitive: z.boolean().optional(),
    /** What unmapped values become: kept as they are (default), or null with a row issue. */
    otherwise: z.enum(['keep', 'null']).optional(),
    /** The row issue of an unmapped value (default VALUE_MAP_UNMAPPED); `{value}` in the message is the value. */
    unmapped: z.object({
      code: z.enum([ROW_ISSUE_CODES.valueMapUnmapped, ROW_ISSUE_CODES.recordTypeMissing]),
      message: z.string().min(1).max(500),
    }).optional(),
    ...onInvalid,
  }),
  z.object({
    op: z.literal('fillNull'), ...textColumns, value: Literal,
    /** Treat empty and blank strings as null too (CSV has no null, only empty cells). */
    blankAsNull: z.boolean().optional(),
  }),
  z.object({ op: z.literal('filter'), expression: z.string().min(1).max(2000) }),
  z.object({ op: z.literal('derive'), column: columnName, expression: z.string().min(1).max(2000), ...onInvalid }),
  z.object({
    op: z.literal('concat'), columns, into: columnName, separator: z.string().default(' '),
    skipNulls: z.boolean().default(true),
  }),
  z.object({
    op: z.literal('split'), column: columnName, separator: z.string().min(1), into: z.array(columnName).min(1),
  }),
  /** Keeps the first row of each key across the whole dataset (seen keys live outside the chunk). */
  z.object({ op: z.literal('dedupe'), keys: columns, caseInsensitive: z.boolean().optional() }),
  z.object({
    op: z.literal('sort'),
    by: z.array(z.object({ column: columnName, descending: z.boolean().optional() })).min(1),
  }),
  LookupStep,
  z.object({
    op: z.literal('aggregate'),
    groupBy: z.array(columnName),
    aggregations: z.array(z.object({
      fn: z.enum(['count', 'sum', 'min', 'max', 'avg']),
      column: columnName.optional(),
      as: columnName,
    })).min(1),
    ...onInvalid,
  }),
]);

export type PipelineStep = z.infer<typeof PipelineStep>;
export type CastStep = z.infer<typeof CastStep>;
export type LookupStep = z.infer<typeof LookupStep>;
export type CastType = z.infer<typeof CastType>;
export type OnInvalid = z.infer<typeof OnInvalid>;
export type StepOf<K extends PipelineStep['op']> = Extract<PipelineStep, { op: K }>;

export const Pipeline = z.array(PipelineStep).max(100);
export type Pipeline = z.infer<typeof Pipeline>;
