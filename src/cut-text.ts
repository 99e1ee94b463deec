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
