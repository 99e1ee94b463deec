import { z } from 'zod';
import { RowMessage, rowMessage, type Said } from '../row-messages/index.js';

/** A per-record verdict in Salesforce's own shape (salesforce-api.md section 5.4). */
export const RecordError = z.object({
  statusCode: z.string(),
  message: z.string(),
  fields: z.array(z.string()),
  /** The message by its catalogue key, when DMS wrote it (Salesforce's own messages have none). */
  i18n: RowMessage.optional(),
});
export type RecordError = z.infer<typeof RecordError>;

export const recordError = (statusCode: string, message: string, fields: string[] = []): RecordError => ({ statusCode, message, fields });

/** A verdict DMS writes, in Salesforce's words and by its catalogue key. */
const dmsError = (statusCode: string, { message, i18n }: Said, fields: string[] = []): RecordError => ({ statusCode, message, fields, i18n });

export const ERRORS = {
  required: (fields: string[]) => dmsError('REQUIRED_FIELD_MISSING', rowMessage('row.check.required', { fields: fields.join(', ') }), fields),
  tooLong: (label: string, text: string, max: number, field: string) =>
    dmsError('STRING_TOO_LONG', rowMessage('row.check.tooLong', { label, value: text, max }), [field]),
  email: (label: string, text: string, field: string) =>
    dmsError('INVALID_EMAIL_ADDRESS', rowMessage('row.check.email', { label, value: text }), [field]),
  wrongType: (label: string, raw: string, field: string) =>
    dmsError('INVALID_TYPE_ON_FIELD_IN_RECORD', rowMessage('row.check.wrongType', { label, value: raw }), [field]),
  outOfRange: (label: string, raw: string, field: string) =>
    dmsError('NUMBER_OUTSIDE_VALID_RANGE', rowMessage('row.check.outOfRange', { label, value: raw }), [field]),
  picklist: (label: string, value: string, field: string) =>
    dmsError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', rowMessage('row.check.picklist', { label, value }), [field]),
  malformedId: (label: string, value: string, field: string) =>
    dmsError('MALFORMED_ID', rowMessage('row.check.malformedId', { label, value }), [field]),
  malformedDeleteId: (value: string) => dmsError('MALFORMED_ID', rowMessage('row.check.malformedDeleteId', { value })),
  missingId: () => dmsError('MISSING_ARGUMENT', rowMessage('row.check.missingId')),
  missingExternalId: (field: string) => dmsError('MISSING_ARGUMENT', rowMessage('row.check.missingExternalId', { field }), [field]),
  invalidField: (field: string, object: string) => dmsError('INVALID_FIELD', rowMessage('row.check.invalidField', { field, object })),
  notIndexed: (field: string, object: string) => dmsError('INVALID_FIELD', rowMessage('row.check.notIndexed', { field, object })),
  notWritable: (field: string) => dmsError('INVALID_FIELD_FOR_INSERT_UPDATE', rowMessage('row.check.notWritable', { field }), [field]),
  /** An upsert key repeated within one file (Bulk's in-batch check). */
  duplicateExternalId: (value: string, field: string) =>
    dmsError('DUPLICATE_EXTERNAL_ID', rowMessage('row.check.duplicateExternalId', { value }), [field]),
  /**
   * A unique field's value taken by an earlier row of the file. Salesforce names the record holding
   * it (`... on record with id: <id>`, fields []); a dry run has no id, so it names the row.
   */
  duplicateValue: (field: string, firstRow: number | undefined) => dmsError('DUPLICATE_VALUE', firstRow === undefined
    ? rowMessage('row.check.duplicateValue.earlier', { field })
    : rowMessage('row.check.duplicateValue.row', { field, row: firstRow })),
};
