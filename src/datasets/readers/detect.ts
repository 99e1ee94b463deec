import { readerError } from './reader-error.js';
import { isWideUnicode, normaliseEncoding, sampleText, unicodeForm } from './text/index.js';
import type { DatasetFormat } from './types.js';

const DESCRIPTIONS: Record<DatasetFormat, string> = {
  csv: 'a delimited text file (CSV)',
  xlsx: 'an Excel workbook (zip, .xlsx)',
  xls: 'an old Excel 97-2003 workbook (.xls)',
  pickle: 'a Python pickle',
  json: 'a JSON document',
  ndjson: 'newline-delimited JSON (one object a line)',
  parquet: 'a Parquet file',
};

const EXTENSIONS: Record<string, DatasetFormat> = {
  csv: 'csv', tsv: 'csv', txt: 'csv', tab: 'csv', dat: 'csv',
  xlsx: 'xlsx', xlsm: 'xlsx', xls: 'xls',
  pkl: 'pickle', pickle: 'pickle', p: 'pickle',
  json: 'json', ndjson: 'ndjson', jsonl: 'ndjson',
  parquet: 'parquet', pq: 'parquet',
};

const startsWith = (head: Buffer, bytes: number[]): boolean => bytes.every((byte, i) => head[i] === byte);

/** Formats we recognise only to refuse them with a useful message. */
function refuseKnownBinary(head: Buffer, fileName: string): void {
  const refuse = (what: string, advice: string) => {
    throw readerError('UNSUPPORTED_FORMAT', `${fileName} is ${what}, which DMS cannot read. ${advice}`);
  };
  if (startsWith(head, [0x1f, 0x8b])) refuse('gzip-compressed', 'Decompress it and upload the file inside.');
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') refuse('a PDF document', 'Export the table as CSV or .xlsx.');
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    refuse('a zip archive but not an Excel workbook (no xl/ folder inside)', 'Upload the CSV or .xlsx file itself, not an archive.');
  }
}

function looksLikeOldPickle(head: Buffer): boolean {
  const text = head.subarray(0, 64).toString('latin1');
  // Protocols 0 and 1 have no PROTO opcode: recognise their usual first opcodes.
  return /^(\((d|l|t|i[A-Za-z_])|c[A-Za-z_][\w.]*\n[A-Za-z_]|\(dp\d|\(lp\d)/.test(text) || (/^[\]}]q/.test(text) && text.charCodeAt(2) === 0);
}

export interface DetectHints {
  /** The encoding the user chose: it decides how text is read here too, and UTF-16/32 NUL bytes are not binary. */
  encoding?: string;
  /** Set when `head` is the whole file: a file of only whitespace is then refused as empty at once. */
  complete?: boolean;
}

function textFormat(head: Buffer, encoding: string | undefined, hints: DetectHints): DatasetFormat {
  // Non-Unicode encodings spell [ { and whitespace in ASCII, which latin1 reads byte for byte.
  const text = sampleText(head, encoding && encoding !== 'utf-8' ? encoding : 'latin1').replace(/^(\ufeff|\xef\xbb\xbf)/, '');
  const trimmed = text.replace(/^\s+/, '');
  if (trimmed === '' && hints.complete) {
    throw readerError('EMPTY_FILE', 'The file holds only whitespace (spaces, tabs or blank lines): there are no rows to read.');
  }
  if (trimmed.startsWith('[')) return 'json';
  if (trimmed.startsWith('{')) {
    const firstLine = trimmed.split(/\r?\n/, 1)[0].trimEnd();
    return firstLine.endsWith('}') ? 'ndjson' : 'json';
  }
  return 'csv';
}

function contentFormat(head: Buffer, fileName: string, hints: DetectHints): DatasetFormat {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) && /xl\/|\[Content_Types\]\.xml/.test(head.toString('latin1'))) return 'xlsx';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'xls';
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return 'pickle';
  refuseKnownBinary(head, fileName);
  if (looksLikeOldPickle(head)) return 'pickle';
  const encoding = hints.encoding ? normaliseEncoding(hints.encoding, head) : unicodeForm(head);
  if (!(encoding && isWideUnicode(encoding)) && head.subarray(0, 4096).includes(0)) {
    throw readerError(
      'UNSUPPORTED_FORMAT',
      `${fileName} is a binary file of an unknown kind (it holds NUL bytes). Upload CSV, Excel (.xlsx), ` +
        `JSON, NDJSON, Parquet or a Python pickle; a UTF-16 or UTF-32 text file without a byte-order mark ` +
        `needs its encoding chosen.`,
    );
  }
  return textFormat(head, encoding, hints);
}

export interface DetectedFormat {
  format: DatasetFormat;
  /** Set when the file name's extension promises another format than the content shows. */
  mismatch?: string;
}

/** The format from the first bytes (64 KB is plenty), explained when the name disagrees. */
export function detectFormat(head: Buffer, fileName: string, hints: DetectHints = {}): DetectedFormat {
  if (head.length === 0) throw readerError('EMPTY_FILE', `${fileName} is empty (0 bytes).`);
  const format = contentFormat(head, fileName, hints);
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const named = extension ? EXTENSIONS[extension] : undefined;
  const jsonFamily = new Set<DatasetFormat>(['json', 'ndjson']);
  if (!named || named === format || (jsonFamily.has(named) && jsonFamily.has(format))) return { format };
  return {
    format,
    mismatch: `${fileName} looks like ${DESCRIPTIONS[format]}, not ${DESCRIPTIONS[named]} as its .${extension} name says; it is read as ${format}.`,
  };
}
