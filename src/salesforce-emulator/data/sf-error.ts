/** A per-record Salesforce error, as collections ({statusCode}) and Bulk results (sf__Error) report it. */
export class SfError {
  constructor(readonly statusCode: string, readonly message: string, readonly fields: string[] = []) {}

  toJSON(): { statusCode: string; message: string; fields: string[] } {
    return { statusCode: this.statusCode, message: this.message, fields: this.fields };
  }

  /** The `sf__Error` column form: `CODE:message:fields` with `--` when no field is named. */
  toBulk(): string {
    return `${this.statusCode}:${this.message}:${this.fields.length ? this.fields.join(',') : '--'}`;
  }
}

export const ERR = {
  notFound: () => new SfError('NOT_FOUND', 'The requested resource does not exist'),
  deleted: () => new SfError('ENTITY_IS_DELETED', 'entity is deleted'),
  crossReference: (fields: string[] = []) => new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', fields),
  malformedId: (label: string, value: string, field: string) =>
    new SfError('MALFORMED_ID', `${label}: id value of incorrect type: ${value}`, [field]),
  invalidField: (field: string, object: string) =>
    new SfError('INVALID_FIELD', `No such column '${field}' on sobject of type ${object}`),
  notWritable: (field: string) => new SfError('INVALID_FIELD_FOR_INSERT_UPDATE',
    `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [field]),
  required: (fields: string[]) => new SfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields),
  lock: (id: string | undefined) => new SfError('UNABLE_TO_LOCK_ROW',
    `unable to obtain exclusive access to this record or 1 records: ${id ?? ''}`.trimEnd()),
  rolledBack: () => new SfError('ALL_OR_NONE_OPERATION_ROLLED_BACK',
    'Record rolled back because not all records were valid and the request was using AllOrNone header'),
  missingId: () => new SfError('MISSING_ARGUMENT', 'Id not specified in an update call'),
};
