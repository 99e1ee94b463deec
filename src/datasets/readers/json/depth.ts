import { readerError } from '../reader-error.js';

/** Refusal of a value nested deeper than the limit: before JSON.parse or JSON.stringify could recurse into it. */
export function tooDeep(line: number, column: number, maxDepth: number): Error {
  return readerError(
    'JSON_TOO_DEEP',
    `Line ${line}, column ${column}: arrays and objects are nested more than ${maxDepth} levels deep here ` +
      '(the outermost array or object is level 1). DMS reads records of plain values, with nested values kept as ' +
      'JSON text; flatten the data before uploading it.',
    { line, column, maxDepth },
  );
}

function bracketCount(text: string): number {
  let count = 0;
  for (const bracket of ['{', '[']) for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) count += 1;
  return count;
}

/**
 * The index of the first "{" or "[" (outside strings) that opens a level deeper than `maxDepth` in one JSON
 * value, or -1. A value with no more brackets than the limit is passed without a character-by-character scan.
 */
export function tooDeepAt(text: string, maxDepth: number): number {
  if (bracketCount(text) <= maxDepth) return -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return -1;
}
