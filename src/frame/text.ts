/** Unicode-aware text transforms and the safe subset of regular expressions a pipeline may use. */

const WORD_START = /(^|[^\p{L}\p{M}\p{N}'’])(\p{L})/gu;

export function titleCase(text: string): string {
  return text.toLowerCase().replace(WORD_START, (_, before: string, letter: string) => before + letter.toUpperCase());
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Longest cell a regex runs on (bounds polynomial backtracking such as `\s*\s*x`); longer cells keep their value and get a row issue. */
export const MAX_REGEX_INPUT = 2_000;

/**
 * Compiles a user regex after refusing what can backtrack catastrophically: back-references,
 * lookbehind, and a repeated group (`*`, `+`, `{}`) that contains a repetition or an alternation
 * (`(a+)+`, `(a|aa)*`). The pattern is at most 200 characters (schema) and always runs with 'u'.
 * Throws an Error with a message a person can act on.
 */
export function compileSafeRegex(pattern: string, flags = 'g'): RegExp {
  if (/\\[1-9]|\\k</.test(pattern)) throw new Error('back-references (\\1, \\k<name>) are not allowed');
  if (/\(\?<[=!]/.test(pattern)) throw new Error('lookbehind is not allowed');
  if (hasRiskyRepetition(pattern)) {
    throw new Error('a repeated group may not contain another repetition or an alternation (e.g. (a+)+, (a|ab)*); it can run for ever');
  }
  try {
    return new RegExp(pattern, `${[...new Set(flags + 'u')].join('')}`);
  } catch (error) {
    throw new Error(`invalid regular expression: ${(error as Error).message}`);
  }
}

function hasRiskyRepetition(pattern: string): boolean {
  const groups: boolean[] = []; // for each open group: does it contain a repetition or an alternation?
  let inClass = false;
  const mark = (): void => { if (groups.length > 0) groups[groups.length - 1] = true; };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') { i++; continue; }
    if (inClass) { if (ch === ']') inClass = false; continue; }
    if (ch === '[') { inClass = true; continue; }
    if (ch === '(') { groups.push(false); continue; }
    if (ch === ')') {
      const risky = groups.pop() ?? false;
      const next = pattern[i + 1];
      const repeated = next === '*' || next === '+' || next === '{';
      if (risky && repeated) return true;
      if (risky || repeated) mark();
      continue;
    }
    if (ch === '*' || ch === '+' || ch === '{' || ch === '|') mark();
  }
  return false;
}
