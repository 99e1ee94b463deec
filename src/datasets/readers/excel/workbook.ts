import { readerError } from '../reader-error.js';
import type { ByteSource, ReaderOptions } from '../types.js';
import { SharedStringsReader, type SharedStrings } from './shared-strings.js';
import { RelationshipsReader, StylesReader, WorkbookReader, relsPathOf, type Relationship } from './workbook-parts.js';
import { XmlTokenizer, type XmlHandler } from './xml.js';
import { zipParts, type InflateBudget } from './zip-entries.js';
import type { ZipDirectory } from './zip-directory.js';

/** Relationship and workbook parts list things; past this much text they are not a real workbook's. */
const MAX_LIST_PART_CHARS = 32 * 1024 * 1024;

export interface SheetEntry {
  name: string;
  /** worksheet, chartsheet, dialogsheet, ... */
  kind: string;
  part: string;
}

export interface Workbook {
  sheets: SheetEntry[];
  strings: SharedStrings;
  dateStyles: boolean[];
  date1904: boolean;
}

type PartReader = XmlHandler & { tokenizer?: XmlTokenizer };

/** Reads the given parts in one pass over the file, each through its reader. */
async function readParts(
  source: ByteSource,
  directory: ZipDirectory,
  readers: Map<string, PartReader>,
  budget: InflateBudget,
): Promise<void> {
  for await (const { entry, text } of zipParts(source, directory, [...readers.keys()], budget)) {
    const reader = readers.get(entry.name.toLowerCase()) as PartReader;
    const tokenizer = new XmlTokenizer(reader, entry.name);
    reader.tokenizer = tokenizer;
    const listsOnly = reader instanceof RelationshipsReader || reader instanceof WorkbookReader;
    let chars = 0;
    for await (const piece of text) {
      chars += piece.length;
      if (listsOnly && chars > MAX_LIST_PART_CHARS) {
        throw readerError(
          'XLSX_CORRUPT',
          `The workbook part ${entry.name} is larger than ${MAX_LIST_PART_CHARS / 1024 / 1024} MB, which no ` +
            `real workbook's is: the file is damaged or built to deceive.`,
          { part: entry.name },
        );
      }
      tokenizer.push(piece);
    }
    tokenizer.end();
  }
}

const target = (relationships: Relationship[], kind: string): string | undefined =>
  relationships.find((relationship) => relationship.kind === kind)?.target;

/**
 * The workbook's sheets, shared strings, date styles and date system. The usual part names are read in one pass;
 * a workbook that keeps its parts elsewhere (its relationships say where) costs a pass more for those.
 */
export async function readWorkbook(
  source: ByteSource,
  directory: ZipDirectory,
  budget: InflateBudget,
  limits: ReaderOptions['limits'],
): Promise<Workbook> {
  const root = new RelationshipsReader('_rels/.rels');
  let book = new WorkbookReader();
  let bookRels = new RelationshipsReader('xl/_rels/workbook.xml.rels');
  let styles = new StylesReader();
  let strings = new SharedStringsReader(limits.maxCellChars);
  const usual = new Map<string, PartReader>([
    ['_rels/.rels', root], ['xl/workbook.xml', book], ['xl/_rels/workbook.xml.rels', bookRels],
    ['xl/styles.xml', styles], ['xl/sharedstrings.xml', strings],
  ]);
  await readParts(source, directory, usual, budget);

  const bookPart = target(root.relationships, 'officeDocument') ?? 'xl/workbook.xml';
  if (!directory.byName.has(bookPart.toLowerCase())) {
    throw readerError(
      'XLSX_CORRUPT',
      `The workbook has no ${bookPart} part: it is not an Excel workbook, or it is damaged.`,
    );
  }
  if (bookPart.toLowerCase() !== 'xl/workbook.xml') {
    book = new WorkbookReader();
    bookRels = new RelationshipsReader(relsPathOf(bookPart));
    const parts = new Map<string, PartReader>([[bookPart.toLowerCase(), book], [relsPathOf(bookPart).toLowerCase(), bookRels]]);
    await readParts(source, directory, parts, budget);
  }
  const elsewhere = new Map<string, PartReader>();
  const stylesPart = target(bookRels.relationships, 'styles')?.toLowerCase();
  if (stylesPart && stylesPart !== 'xl/styles.xml') elsewhere.set(stylesPart, (styles = new StylesReader()));
  const stringsPart = target(bookRels.relationships, 'sharedStrings')?.toLowerCase();
  if (stringsPart && stringsPart !== 'xl/sharedstrings.xml') {
    elsewhere.set(stringsPart, (strings = new SharedStringsReader(limits.maxCellChars)));
  }
  if (elsewhere.size > 0) await readParts(source, directory, elsewhere, budget);

  const byId = new Map(bookRels.relationships.map((relationship) => [relationship.id, relationship]));
  const sheets = book.sheets.map((sheet) => {
    const relationship = byId.get(sheet.relationshipId);
    return { name: sheet.name, kind: relationship?.kind ?? 'missing', part: relationship?.target ?? '' };
  });
  return { sheets, strings: strings.strings, dateStyles: styles.dateStyles, date1904: book.date1904 };
}
