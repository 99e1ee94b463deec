import { z } from 'zod';

/** A per-record verdict in Salesforce's own shape (salesforce-api.md section 5.4). */
export const RecordError = z.object({
  statusCode: z.string(),
  message: z.string(),
  fields: z.array(z.string()),
});
export type RecordError = z.infer<typeof RecordError>;

export const recordError = (statusCode: string, message: string, fields: string[] = []): RecordError => ({ statusCode, message, fields });

export const ERRORS = {
  required: (fields: string[]) => recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields),
  tooLong: (label: string, text: string, max: number, field: string) =>
    recordError('STRING_TOO_LONG', `${label}: data value too large: ${text} (max length=${max})`, [field]),
  email: (label: string, text: string, field: string) =>
    recordError('INVALID_EMAIL_ADDRESS', `${label}: invalid email address: ${text}`, [field]),
  wrongType: (label: string, raw: string, field: string) =>
    recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${label}: value not of required type: ${raw}`, [field]),
  outOfRange: (label: string, raw: string, field: string) =>
    recordError('NUMBER_OUTSIDE_VALID_RANGE', `${label}: value outside of valid range on numeric field: ${raw}`, [field]),
  picklist: (label: string, value: string, field: string) =>
    recordError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${label}: bad value for restricted picklist field: ${value}`, [field]),
  malformedId: (label: string, value: string, field: string) =>
    recordError('MALFORMED_ID', `${label}: id value of incorrect type: ${value}`, [field]),
  malformedDeleteId: (value: string) => recordError('MALFORMED_ID', `malformed id ${value}`),
  missingId: () => recordError('MISSING_ARGUMENT', 'Id not specified in an update call'),
  missingExternalId: (field: string) => recordError('MISSING_ARGUMENT', `${field} not specified`, [field]),
  invalidField: (field: string, object: string) => recordError('INVALID_FIELD', `No such column '${field}' on sobject of type ${object}`),
  notIndexed: (field: string, object: string) =>
    recordError('INVALID_FIELD', `Field name provided, ${field} is not an External ID or indexed field for ${object}`),
  notWritable: (field: string) => recordError('INVALID_FIELD_FOR_INSERT_UPDATE',
    `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [field]),
  /** An upsert key repeated within one file (Bulk's in-batch check). */
  duplicateExternalId: (value: string, field: string) =>
    recordError('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${value}`, [field]),
  /**
   * A unique field's value taken by an earlier row of the file. Salesforce names the record holding
   * it (`... on record with id: <id>`, fields []); a dry run has no id, so it names the row.
   */
  duplicateValue: (field: string, firstRow: number | undefined) =>
    recordError('DUPLICATE_VALUE', `duplicate value found: ${field} duplicates value on ${firstRow === undefined ? 'an earlier row' : `row ${firstRow}`} of this file`),
};
