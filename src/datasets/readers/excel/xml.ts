import { readerError } from '../reader-error.js';

/** What a part's reader does with the elements it meets (names without their namespace prefix). */
export interface XmlHandler {
  start(name: string, attributes: Record<string, string>, selfClosing: boolean): void;
  end(name: string): void;
}

/** Text to collect: up to `limit` characters; past it `onTooLong` is called (it may throw) and the rest is dropped. */
export interface Collect {
  limit: number;
  onTooLong: () => void;
}

const enum Mode { Markup, Comment, CData, Instruction }
const CLOSERS = { [Mode.Comment]: '-->', [Mode.CData]: ']]>', [Mode.Instruction]: '?>' } as const;
/** No tag in a workbook comes near this; a longer one is an attack on the reader's memory. */
const MAX_TAG = 1024 * 1024;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ATTRIBUTE = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name] ?? whole;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** The index just past the ">" that closes the tag opened at `from`, skipping quoted attribute values; -1 if not there yet. */
function tagEnd(s: string, from: number): number {
  let quote = 0;
  for (let i = from + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i + 1;
  }
  return -1;
}

/**
 * A streaming XML tokenizer for workbook parts: elements go to the handler; text is kept only while the handler
 * asks for it (`collect`), and only up to its limit, so a gigabyte of text inside a cell or a formula never
 * gathers in memory. A DOCTYPE is refused (no entity expansion, no "billion laughs").
 */
export class XmlTokenizer {
  /** Set by the handler while the element it is in holds text it wants. */
  collect: Collect | null = null;
  private collected: string[] = [];
  private collectedLength = 0;
  private rest = '';
  private mode = Mode.Markup;

  constructor(
    private readonly handler: XmlHandler,
    private readonly part: string,
  ) {}

  /** The text collected since the last call, entities decoded and line ends normalised as XML does. */
  takeText(): string {
    const text = this.collected.join('');
    this.collected = [];
    this.collectedLength = 0;
    return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  }

  push(chunk: string): void {
    const s = this.rest === '' ? chunk : this.rest + chunk;
    this.rest = '';
    let i = 0;
    while (i < s.length) {
      if (this.mode !== Mode.Markup) {
        i = this.special(s, i);
        if (i === -1) return;
        continue;
      }
      const lt = s.indexOf('<', i);
      if (lt === -1) {
        this.text(s.slice(i), true);
        return;
      }
      if (lt > i) this.text(s.slice(i, lt), false);
      const next = this.markup(s, lt);
      if (next === -1) {
        this.rest = s.slice(lt);
        if (this.rest.length > MAX_TAG) throw this.corrupt('has an XML tag longer than 1 MB');
        return;
      }
      i = next;
    }
  }

  end(): void {
    if (this.rest.trim() !== '' || this.mode !== Mode.Markup) throw this.corrupt('ends in the middle of its XML');
  }

  private corrupt(what: string): Error {
    return readerError(
      'XLSX_CORRUPT',
      `The workbook part ${this.part} ${what}: the file is damaged.`,
      { part: this.part },
    );
  }

  private text(raw: string, atEnd: boolean): void {
    if (!this.collect) return;
    let text = raw;
    if (atEnd) {
      // An entity cut by the chunk's end waits for the rest of it.
      const amp = text.lastIndexOf('&');
      if (amp !== -1 && !text.includes(';', amp) && text.length - amp < 12) {
        this.rest = text.slice(amp);
        text = text.slice(0, amp);
      }
    }
    this.append(decodeEntities(text));
  }

  private append(text: string): void {
    const collect = this.collect;
    if (!collect || text === '') return;
    this.collectedLength += text.length;
    if (this.collectedLength > collect.limit) {
      this.collect = null;
      collect.onTooLong();
      return;
    }
    this.collected.push(text);
  }

  /** Inside a comment, CDATA section or processing instruction: skip (or collect CDATA) to its closer. */
  private special(s: string, from: number): number {
    const closer = CLOSERS[this.mode as Mode.Comment | Mode.CData | Mode.Instruction];
    const at = s.indexOf(closer, from);
    const until = at === -1 ? Math.max(from, s.length - (closer.length - 1)) : at;
    if (this.mode === Mode.CData) this.append(s.slice(from, until));
    if (at === -1) {
      this.rest = s.slice(until);
      return -1;
    }
    this.mode = Mode.Markup;
    return at + closer.length;
  }

  /** Handles the markup at `lt`; returns the index after it, or -1 when it is not complete in `s`. */
  private markup(s: string, lt: number): number {
    const next = s.charCodeAt(lt + 1);
    if (Number.isNaN(next)) return -1;
    if (next === 0x3f) {
      this.mode = Mode.Instruction;
      return lt + 2;
    }
    if (next === 0x21) {
      // <!-- -->, <![CDATA[ ]]> or a declaration (<!DOCTYPE ...): wait until the opener is complete.
      const opener = s[lt + 2] === '[' ? '<![CDATA[' : '<!--';
      if (s.length - lt < opener.length) return -1;
      if (!s.startsWith(opener, lt)) throw this.corrupt('holds a DOCTYPE or other declaration, which workbooks never have');
      this.mode = opener === '<!--' ? Mode.Comment : Mode.CData;
      return lt + opener.length;
    }
    const end = tagEnd(s, lt);
    if (end === -1) return -1;
    if (next === 0x2f) {
      this.handler.end(localName(s.slice(lt + 2, end - 1).trim()));
      return end;
    }
    const selfClosing = s.charCodeAt(end - 2) === 0x2f;
    const body = s.slice(lt + 1, selfClosing ? end - 2 : end - 1);
    const space = body.search(/[\s/]/);
    const name = localName(space === -1 ? body : body.slice(0, space));
    // No prototype: an attribute named __proto__ is just a name.
    const attributes = Object.create(null) as Record<string, string>;
    if (space !== -1) {
      for (const match of body.slice(space).matchAll(ATTRIBUTE)) attributes[match[1]] = decodeEntities(match[2] ?? match[3]);
    }
    this.handler.start(name, attributes, selfClosing);
    if (selfClosing) this.handler.end(name);
    return end;
  }
}
