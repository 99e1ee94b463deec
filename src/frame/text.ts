/** Unicode-aware text transforms and the safe subset of regular expressions a pipeline may use. */

const WORD_START = /(^|[^\p{L}\p{M}\p{N}'’])(\p{L})/gu;

export function titleCase(text: string): string {
  return text.toLowerCase().replace(WORD_START, (_, before: string, letter: string) => before + letter.toUpperCase());
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Longest cell a regex runs on; longer cells keep their value and get a row issue. */
export const MAX_REGEX_INPUT = 10_000;

/**
 * Compiles a user regex after refusing what can backtrack catastrophically: back-references,
 * lookbehind, and a quantified group that itself contains a quantifier (`(a+)+`, `(a|b*)*`).
 * The pattern is at most 200 characters (schema) and always runs with the 'u' flag.
 * Throws an Error with a message a person can act on.
 */
export function compileSafeRegex(pattern: string, flags = 'g'): RegExp {
  if (/\\[1-9]|\\k</.test(pattern)) throw new Error('back-references (\\1, \\k<name>) are not allowed');
  if (/\(\?<[=!]/.test(pattern)) throw new Error('lookbehind is not allowed');
  if (hasNestedQuantifier(pattern)) {
    throw new Error('a repeated group may not contain another repetition (e.g. (a+)+); it can run for ever');
  }
  try {
    return new RegExp(pattern, `${[...new Set(flags + 'u')].join('')}`);
  } catch (error) {
    throw new Error(`invalid regular expression: ${(error as Error).message}`);
  }
}

function hasNestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = []; // for each open group: does it contain a quantifier?
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') { i++; continue; }
    if (inClass) { if (ch === ']') inClass = false; continue; }
    if (ch === '[') { inClass = true; continue; }
    if (ch === '(') { groups.push(false); continue; }
    if (ch === ')') {
      const inner = groups.pop() ?? false;
      const next = pattern[i + 1];
      const quantified = next === '*' || next === '+' || next === '?' || next === '{';
      if (inner && quantified && next !== '?') return true;
      if ((inner || quantified) && groups.length > 0) groups[groups.length - 1] = true;
      continue;
    }
    if ((ch === '*' || ch === '+' || ch === '{') && groups.length > 0) groups[groups.length - 1] = true;
  }
  return false;
}
