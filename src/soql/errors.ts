/** A query error with the REST error code an org gives (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...). */
export class SoqlError extends Error {
  constructor(readonly errorCode: string, message: string) {
    super(message);
  }
}

/**
 * The query text and the errors it gives, formatted as an org formats them: the line of the query
 * holding the problem, a caret under it, `ERROR at Row:r:Column:c` (1-based) and the reason.
 */
export class SoqlSource {
  /** `refuser`: who refuses what the parser does not take (the Local org, or DMS checking a query before it runs). */
  constructor(readonly text: string, readonly refuser = 'the Local org (DMS Salesforce emulator)') {}

  error(at: number, errorCode: string, reason: string): SoqlError {
    const offset = Math.max(0, Math.min(at, this.text.length));
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    const lineEnd = this.text.indexOf('\n', offset);
    const line = this.text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    let row = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) row++;
    const column = offset - lineStart + 1;
    const caret = `${' '.repeat(column - 1)}^`;
    return new SoqlError(errorCode, `\n${line}\n${caret}\nERROR at Row:${row}:Column:${column}\n${reason}`);
  }

  malformed(at: number, reason: string): SoqlError {
    return this.error(at, 'MALFORMED_QUERY', reason);
  }

  invalidField(at: number, reason: string): SoqlError {
    return this.error(at, 'INVALID_FIELD', reason);
  }
}
