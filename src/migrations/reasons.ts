import { z } from 'zod';
import { translate } from '../i18n/index.js';

/** A sentence DMS writes about a run (why it paused, why it failed), by its catalogue key: pages say it in the reader's language. */
export const RunMessage = z.object({
  key: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type RunMessage = z.infer<typeof RunMessage>;

/** The sentence and its English text (what the API and logs show, and documents written before messages had keys). */
export interface Reason { text: string; message: RunMessage }

export function reason(key: string, params: Record<string, string | number> = {}): Reason {
  return { text: translate('en', key, params), message: { key, params } };
}

export const pausedBy = (actor: string): Reason => reason('migrations.reason.pausedBy', { actor });

/** The plan saw too few API calls left for the run. */
export const budgetShort = (needed: number, remaining: number, max: number, reserve: number): Reason =>
  reason('migrations.reason.budgetShort', { needed, remaining, max, reserve });

/** A batch saw the reserve reached. */
export const budgetLow = (remaining: number, max: number, reserve: number): Reason =>
  reason('migrations.reason.budgetLow', { remaining, max, reserve });

/** Salesforce refused a call for the org's daily limit; its own words follow. */
export const limitReached = (salesforce: string): Reason => reason('migrations.reason.limitReached', { salesforce });

/** An approver rejected the run (or its roll back); their reason follows. */
export const rejectedBy = (actor: string, why: string): Reason => reason('migrations.reason.rejectedBy', { actor, reason: why });
