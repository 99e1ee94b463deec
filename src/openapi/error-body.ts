import { z } from 'zod';

/** The one shape of every error answer under /api/v1 (and of JSON errors elsewhere). */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, upper-case: scripts branch on it (NOT_FOUND, VALIDATION_FAILED ...)' }),
      message: z.string().meta({ description: 'What went wrong and where, for a person' }),
      details: z.unknown().optional().meta({ description: 'Structured detail: the invalid fields, the row and column ...' }),
      requestId: z.string().meta({ description: 'Also in the X-Request-Id header and in the log lines of the request' }),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;
