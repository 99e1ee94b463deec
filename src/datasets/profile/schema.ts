import { z } from 'zod';
import { COLUMN_TYPES } from './infer.js';

const Extreme = z.union([z.number(), z.string()]).nullable();

/** What one column holds, computed over every row; stored with the dataset and shown on its page. */
export const ColumnProfile = z.object({
  name: z.string(),
  type: z.enum(COLUMN_TYPES),
  count: z.number().int().nonnegative(),
  nullCount: z.number().int().nonnegative(),
  /** Exact up to 10,000 distinct values, then a HyperLogLog estimate (about 2 % off). */
  distinct: z.number().int().nonnegative(),
  distinctExact: z.boolean(),
  /** Numbers for integer/number columns, ISO text for dates, text otherwise (by code point order). */
  min: Extreme,
  max: Extreme,
  examples: z.array(z.string()).max(5),
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;
