import { z } from 'zod';
import type { RowMessage } from '../../row-messages/index.js';

export const DATASET_FORMATS = ['csv', 'xlsx', 'xls', 'pickle', 'json', 'ndjson', 'parquet'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** What the caller may choose about a read; every field has a safe default. */
export const ReaderOptions = z.object({
  /** Forces the format; by default it comes from the content (see detectFormat). */
  format: z.enum(DATASET_FORMATS).optional(),
  /** Text encoding for CSV; by default from the BOM, UTF-8 validity, then chardet. */
  encoding: z.string().min(1).optional(),
  /** CSV field delimiter; by default sniffed among , ; tab | ^ */
  delimiter: z.string().length(1).optional(),
  /** Whether the first row (CSV, Excel, list-of-rows pickles) holds the column names. */
  hasHeader: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  onRaggedRows: z.enum(['error', 'accept']).default('error'),
  /** Excel sheet name; by default the workbook's first sheet. */
  sheet: z.string().optional(),
  /** A pickled DataFrame's index: kept as the first column, or dropped. A default RangeIndex is always dropped. */
  pickleIndex: z.enum(['column', 'drop']).default('column'),
  batchSize: z.number().int().min(1).max(100_000).default(5000),
  limits: z
    .object({
      /** Sum of the uncompressed sizes in an xlsx's zip directory. */
      maxDecompressedBytes: z.number().int().positive().default(1024 * 1024 * 1024),
      /** Largest uncompressed/compressed ratio accepted for an xlsx entry over 1 MB. */
      maxCompressionRatio: z.number().positive().default(200),
      /** Pickle and JSON elements are held in memory whole; these bound them. */
      maxPickleBytes: z.number().int().positive().default(512 * 1024 * 1024),
      maxJsonRecordBytes: z.number().int().positive().default(16 * 1024 * 1024),
      /** Longest cell, in characters: Salesforce's largest field (long text area) holds 131,072. */
      maxCellChars: z.number().int().positive().default(131_072),
      /** Most columns: above an object's 800 fields, and what one dataset document can profile within 1 MB. */
      maxColumns: z.number().int().positive().default(1000),
      /** Longest column name, in characters: a transform step names a column with at most 255 (src/frame/steps.ts). */
      maxHeaderChars: z.number().int().positive().default(255),
      /** All column names together, in UTF-8 bytes: the dataset's document (1 MB) holds each name up to 3 times. */
      maxHeaderBytes: z.number().int().positive().default(65_536),
      /** Deepest nesting of arrays and objects in a JSON or NDJSON file. */
      maxJsonDepth: z.number().int().positive().default(64),
      /** Most data rows of a worksheet: Excel's own sheet limit is 1,048,576 rows including the header. */
      maxSheetRows: z.number().int().positive().default(1_048_576),
    })
    .prefault({}),
});
export type ReaderOptions = z.infer<typeof ReaderOptions>;
export type ReaderOptionsInput = z.input<typeof ReaderOptions>;

export type CellValue = string | number | boolean | Date | null;

/** A row accepted with a remark (ragged row padded, unknown key ignored, ...). */
export interface RowIssue {
  /** 1-based data row number (the header is not counted). */
  row: number;
  /** Where in the file, for text formats: the physical line the row starts on. */
  line?: number;
  code: string;
  message: string;
  /** The message by its catalogue key, so the dataset page says it in the reader's language. */
  i18n?: RowMessage;
}

export interface RowBatch {
  columns: string[];
  rows: CellValue[][];
  issues: RowIssue[];
  /** 1-based data row number of rows[0]. */
  firstRowNumber: number;
  /**
   * CSV only: each row's own text and the physical line it starts on (parallel to rows), and the delimiter, so that
   * a chunk can store the rows as CSV (no JSON to build) and read them back through the same parser and row fitting.
   */
  raw?: { delimiter: string; lines: string[]; lineNumbers: number[] };
}

/** A restartable byte source: each call opens the file again from its first byte. */
export type ByteSource = () => NodeJS.ReadableStream;
