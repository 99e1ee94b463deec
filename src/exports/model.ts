import { z } from 'zod';
import { ExportApi } from '../datasets/index.js';

/** A form sends one value for one box and an array for several; the API sends arrays. */
const list = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(max));
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const flag = z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean());

export const CONDITION_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'IN', 'NOT IN'] as const;

/** One filter row of the form: `field operator value`, all rows joined with AND. */
export const ExportCondition = z.object({
  field: z.string().trim().min(1).max(255),
  operator: z.enum(CONDITION_OPERATORS),
  /** Written as its field's type asks (quoted for text and ids, bare otherwise); empty is null; IN takes a, b, c. */
  value: z.string().max(4000).default(''),
});
export type ExportCondition = z.infer<typeof ExportCondition>;


/**
 * What to export: an object with fields (relationship paths such as `Account.Name` included), conditions and/or a
 * WHERE clause, ORDER BY and LIMIT; or a whole SOQL query. Export All (`queryAll`) adds deleted and archived records.
 */
export const ExportRequest = z
  .object({
    connectionId: z.string().trim().min(1).max(100).default('local'),
    name: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
    object: z.preprocess(blankToUndefined, z.string().trim().max(80).optional()),
    fields: list(z.string().trim().min(1).max(255), 800),
    conditions: list(ExportCondition, 50),
    where: z.preprocess(blankToUndefined, z.string().max(20_000).optional()),
    orderBy: z.preprocess(blankToUndefined, z.string().max(2000).optional()),
    limit: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()),
    soql: z.preprocess(blankToUndefined, z.string().max(100_000).optional()),
    queryAll: flag.default(false),
    api: ExportApi.default('auto'),
  })
  .refine((r) => r.soql !== undefined || (r.object !== undefined && r.fields.length > 0), {
    message: 'Give either a SOQL query, or an object and at least one field.',
  });
export type ExportRequest = z.infer<typeof ExportRequest>;
