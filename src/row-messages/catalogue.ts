/**
 * Every sentence DMS itself writes about a row (a cast that failed, a lookup without a match, a value a field
 * refuses, a row skipped or left in doubt), by catalogue key with the names of its parameters. The texts live in
 * locales/<locale>/rows.json; a unit test holds both locales to these keys and parameters. Salesforce's own
 * messages are never here: they stay as the org wrote them.
 */
export const ROW_MESSAGES = {
  // frame: cast
  'row.cast.dateNotANumber': [],
  'row.cast.dateNotAnInteger': [],
  'row.cast.notANumber': ['value'],
  'row.cast.notAnInteger': ['value'],
  'row.cast.notFinite': ['value'],
  'row.cast.integerTooLarge': ['value'],
  'row.cast.notABoolean': ['value'],
  'row.cast.invalidDateValue': [],
  'row.cast.date.format': ['value', 'format'],
  'row.cast.date.order': ['value', 'order'],
  'row.cast.date.iso': ['value'],
  'row.cast.datetime.format': ['value', 'format'],
  'row.cast.datetime.order': ['value', 'order'],
  'row.cast.datetime.iso': ['value'],
  // frame: other steps
  'row.regex.emptied': ['length', 'max'],
  'row.regex.unchanged': ['length', 'max'],
  'row.valueMap.unmapped': ['value'],
  'row.valueMap.recordTypeMissing': ['value', 'object', 'column'],
  'row.aggregate.notANumber': ['row', 'value', 'fn'],
  'row.skip.filteredOut': ['expression'],
  'row.skip.duplicate': ['keys'],
  // frame: formulas (new columns, filters)
  'row.expr.valueNotANumber': ['value'],
  'row.expr.argNotANumber': ['what', 'value'],
  'row.expr.notACount': ['what'],
  'row.expr.badUnit': ['value'],
  'row.expr.dateAddNotWhole': [],
  'row.expr.divisionByZero': [],
  'row.expr.invalidDate': [],
  'row.expr.notADate': ['value'],
  // frame: lookup step
  'row.lookup.noConnection': ['value', 'object', 'field', 'column'],
  'row.lookup.notFound': ['value', 'object', 'field', 'column'],
  'row.lookup.ambiguous': ['count', 'value', 'object', 'field', 'column'],
  // validation: what the org would refuse, said before anything is sent
  'row.check.required': ['fields'],
  'row.check.tooLong': ['label', 'value', 'max'],
  'row.check.email': ['label', 'value'],
  'row.check.wrongType': ['label', 'value'],
  'row.check.outOfRange': ['label', 'value'],
  'row.check.picklist': ['label', 'value'],
  'row.check.malformedId': ['label', 'value'],
  'row.check.malformedDeleteId': ['value'],
  'row.check.missingId': [],
  'row.check.missingExternalId': ['field'],
  'row.check.invalidField': ['field', 'object'],
  'row.check.notIndexed': ['field', 'object'],
  'row.check.notWritable': ['field'],
  'row.check.duplicateExternalId': ['value'],
  'row.check.duplicateValue.row': ['field', 'row'],
  'row.check.duplicateValue.earlier': ['field'],
  // datasets: rows a reader accepted with a remark
  'row.file.csvShort.header': ['line', 'fields', 'width', 'column', 'name'],
  'row.file.csvShort.firstRow': ['line', 'fields', 'width', 'column', 'name'],
  'row.file.csvLong.header': ['line', 'fields', 'width', 'column', 'values'],
  'row.file.csvLong.firstRow': ['line', 'fields', 'width', 'column', 'values'],
  'row.file.excelRagged': ['sheet', 'row', 'cell', 'width'],
  'row.file.excelError': ['sheet', 'cell', 'error'],
  'row.file.unknownKeys': ['keys', 'count'],
  'row.file.unknownKeysAt': ['line', 'keys', 'count'],
  // migrations: rows a run could not finish
  'row.run.inDoubtCollections': [],
  'row.run.batchLostSent': ['batch', 'times', 'reason'],
  'row.run.batchLostUnsent': ['batch', 'times', 'reason'],
  'row.run.inDoubtBulk': ['job'],
  'row.run.cancelledBeforeProcessed': [],
  'row.run.cancelledBeforeSent': [],
} as const satisfies Record<string, readonly string[]>;

export type RowMessageKey = keyof typeof ROW_MESSAGES;
export type RowMessageParams<K extends RowMessageKey> = Record<(typeof ROW_MESSAGES)[K][number], string | number>;

/**
 * Sentences around others, with their parameters: a message's column (`column`), a sentence said inside another
 * (`within`: a filter that could not be evaluated, and why), and how several messages of one row are joined.
 */
export const ROW_MESSAGE_FRAMES = {
  'row.inColumn': ['column', 'message'],
  'row.skip.filterFailed': ['message'],
  'row.separator': [],
} as const satisfies Record<string, readonly string[]>;
