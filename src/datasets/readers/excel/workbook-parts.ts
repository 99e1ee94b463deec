import type { XmlHandler } from './xml.js';

export interface Relationship {
  id: string;
  /** The relationship type's last segment: worksheet, chartsheet, sharedStrings, styles, officeDocument, ... */
  kind: string;
  /** The target part's zip name (resolved against the part that holds the relationship). */
  target: string;
}

/** `target` resolved against the folder of `from` (both zip names, no leading slash). */
export function resolvePart(from: string, target: string): string {
  const segments = target.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const segment of target.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '.' && segment !== '') segments.push(segment);
  }
  return segments.join('/');
}

/** The relationships file of a part: xl/workbook.xml -> xl/_rels/workbook.xml.rels. */
export function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** A .rels part: relationships by id, internal targets only. */
export class RelationshipsReader implements XmlHandler {
  readonly relationships: Relationship[] = [];

  constructor(private readonly source: string) {}

  start(name: string, attributes: Record<string, string>): void {
    if (name !== 'Relationship' || attributes.TargetMode === 'External' || !attributes.Target) return;
    const type = attributes.Type ?? '';
    // The part that holds the relationships is the .rels file's owner: _rels/x.rels belongs to x.
    const owner = this.source.replace(/_rels\/([^/]*)\.rels$/, '$1');
    const kind = type.slice(type.lastIndexOf('/') + 1);
    this.relationships.push({ id: attributes.Id ?? '', kind, target: resolvePart(owner, attributes.Target) });
  }

  end(): void {}
}

export interface SheetRef {
  name: string;
  relationshipId: string;
}

/** xl/workbook.xml: the sheets in tab order and the date system. */
export class WorkbookReader implements XmlHandler {
  readonly sheets: SheetRef[] = [];
  date1904 = false;

  start(name: string, attributes: Record<string, string>): void {
    if (name === 'workbookPr') this.date1904 = attributes.date1904 === '1' || attributes.date1904 === 'true';
    if (name !== 'sheet') return;
    // r:id, whatever the namespace prefix is called.
    const idKey = Object.keys(attributes).find((key) => key === 'id' || key.endsWith(':id'));
    this.sheets.push({ name: attributes.name ?? '', relationshipId: idKey ? attributes[idKey] : '' });
  }

  end(): void {}
}

/** Excel's built-in number formats that show dates or times. */
const BUILT_IN_DATES = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);
/** Excel keeps at most 64,000 cell formats; a styles part with more is not read past them. */
const MAX_STYLES = 65_536;

/** Whether a number format code shows a date or time: d, m, y, h or s outside quoted text, escapes and [colour]s. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/[_*]./g, '').replace(/\[[^\]]*\]/g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** xl/styles.xml: which cell formats (the s attribute of a cell) show a date. */
export class StylesReader implements XmlHandler {
  readonly dateStyles: boolean[] = [];
  private readonly customFormats = new Map<number, string>();
  private inCellFormats = false;

  start(name: string, attributes: Record<string, string>): void {
    if (name === 'numFmt' && this.customFormats.size < MAX_STYLES) {
      this.customFormats.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
    } else if (name === 'cellXfs') this.inCellFormats = true;
    else if (name === 'xf' && this.inCellFormats && this.dateStyles.length < MAX_STYLES) {
      const id = Number(attributes.numFmtId ?? 0);
      const custom = this.customFormats.get(id);
      this.dateStyles.push(custom === undefined ? BUILT_IN_DATES.has(id) : isDateFormat(custom));
    }
  }

  end(name: string): void {
    if (name === 'cellXfs') this.inCellFormats = false;
  }
}
