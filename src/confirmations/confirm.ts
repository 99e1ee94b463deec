import { z } from 'zod';
import { AppError, type Translatable } from '../errors.js';
import { say } from '../i18n/index.js';

/**
 * What a destructive action will do, in numbers, as a catalogue sentence. `typeBack`: on a production
 * org the person types this name (the object) back before the action runs.
 */
export interface Impact extends Translatable {
  params: Record<string, string | number>;
  typeBack?: string;
}

const yes = z.union([z.boolean(), z.enum(['true', 'on', '1', 'yes'])]).transform((v) => v !== false);

/** The request fields a destructive action needs: the dialog sets them, API callers send them. */
export const ConfirmFields = z.object({
  confirm: yes.optional(),
  confirmObject: z.string().trim().max(80).optional(),
});

const sameName = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'accent' }) === 0;

/**
 * Throws 400 CONFIRMATION_REQUIRED unless the body says `confirm: true`, and 400 CONFIRMATION_MISMATCH
 * when a production action's typed name is not `impact.typeBack`. The message says what would happen.
 */
export function assertConfirmed(body: unknown, impact: Impact): void {
  const fields = ConfirmFields.safeParse(body ?? {});
  const given = fields.success ? fields.data : {};
  const what = say('en', impact);
  const details = { impact: what, ...(impact.typeBack ? { typeBack: impact.typeBack } : {}) };
  if (given.confirm !== true) {
    const ask: Translatable = impact.typeBack
      ? { key: 'confirm.requiredTyped', params: { object: impact.typeBack } }
      : { key: 'confirm.required' };
    throw new AppError('CONFIRMATION_REQUIRED', 400, `${what} ${say('en', ask)}`, { details, i18n: [impact, ask] });
  }
  if (impact.typeBack && !sameName(given.confirmObject ?? '', impact.typeBack)) {
    const params = { object: impact.typeBack, typed: given.confirmObject ?? '' };
    throw new AppError('CONFIRMATION_MISMATCH', 400, say('en', { key: 'confirm.mismatch', params }), {
      details, i18n: [{ key: 'confirm.mismatch', params }],
    });
  }
}
