import { Transform, type TransformCallback } from 'node:stream';
import { AppError, isAppError } from '../errors.js';
import { detectFormat, type DatasetFormat, type DetectHints } from './readers/index.js';

const HEAD_BYTES = 64 * 1024;

export interface FormatVerdict {
  format: DatasetFormat;
  notice?: string;
}

/** detectFormat's verdict as the upload answers it: content that DMS cannot read is 415. */
export function judgeFormat(head: Buffer, fileName: string, hints: DetectHints = {}): FormatVerdict {
  let detected;
  try {
    detected = detectFormat(head, fileName, hints);
  } catch (error) {
    if (isAppError(error) && error.code === 'UNSUPPORTED_FORMAT') throw new AppError(error.code, 415, error.message, { details: error.details });
    throw error;
  }
  if (detected.format === 'xls') {
    throw new AppError('UNSUPPORTED_FORMAT', 415, `${fileName} is an old Excel 97-2003 workbook (.xls), which DMS cannot read. Open it in Excel or LibreOffice and save it as .xlsx or CSV.`);
  }
  return { format: detected.format, notice: detected.mismatch };
}

/**
 * Passes bytes through once the first 64 KB (or the whole, smaller file) have been judged, so a file
 * that is not a supported format is refused before anything is stored.
 */
export class FormatCheck extends Transform {
  verdict?: FormatVerdict;
  private head: Buffer[] = [];
  private headBytes = 0;

  /** `encoding`: the one the user chose, if any (a UTF-16 or UTF-32 file without a mark is then text, not binary). */
  constructor(
    private readonly fileName: string,
    private readonly encoding?: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.verdict) {
      callback(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < HEAD_BYTES) {
      callback();
      return;
    }
    this.release(callback, false);
  }

  override _flush(callback: TransformCallback): void {
    if (this.verdict) callback();
    else this.release(callback, true);
  }

  /** `complete`: the head is the whole file (it ended within the first 64 KB). */
  private release(callback: TransformCallback, complete: boolean): void {
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    try {
      this.verdict = judgeFormat(head, this.fileName, { encoding: this.encoding, complete });
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, head);
  }
}
