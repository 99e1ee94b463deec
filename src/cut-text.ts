/** V8 copies a slice shorter than this; a longer one is a view that keeps the whole string it was cut from alive. */
const SLICE_MIN_LENGTH = 13;

/**
 * A copy of `text` that holds only its own characters. Readers cut values out of the large texts they parse (64 KB
 * of a file, a result body): a value kept as such a slice keeps its whole text alive, and the garbage collector
 * copies that text with it for as long as the value lives.
 */
export const detached = (text: string): string => (text.length < SLICE_MIN_LENGTH ? text : (' ' + text).slice(1));

/** Marks a text DMS shortened before storing it. */
export const CUT_MARK = '…';

/** The first `maxChars` UTF-16 units of `text`, one fewer rather than half of a surrogate pair. */
export function textPrefix(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const code = text.charCodeAt(maxChars - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars);
}

/** `text` at most `maxChars` long, ending in CUT_MARK when it was longer. */
export const cutText = (text: string, maxChars: number): string =>
  text.length <= maxChars ? text : `${textPrefix(text, maxChars)}${CUT_MARK}`;

/**
 * `text` at most `maxChars` (+1) long: its start and its last `tailChars`, CUT_MARK between. A fresh string: the
 * slices of a long text would otherwise keep the whole of it alive for as long as the result lives.
 */
export function cutMiddle(text: string, maxChars: number, tailChars: number): string {
  if (text.length <= maxChars) return text;
  let tailFrom = text.length - tailChars;
  const first = text.charCodeAt(tailFrom);
  if (first >= 0xdc00 && first <= 0xdfff) tailFrom++;
  const cut = `${textPrefix(text, maxChars - tailChars)}${CUT_MARK}${text.slice(tailFrom)}`;
  return Buffer.from(cut, 'utf16le').toString('utf16le');
}
