import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- figures:start (written by run.ts) -->';
const END = '<!-- figures:end -->';

/** Replaces the generated figures inside RESULTS.md, keeping the hand-written analysis around them. */
export function writeFigures(path: string, figures: string): void {
  const block = `${START}\n${figures.trimEnd()}\n${END}`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const at = text.indexOf(START);
  const end = text.indexOf(END);
  const next = at >= 0 && end > at ? text.slice(0, at) + block + text.slice(end + END.length) : `${text}${text ? '\n' : ''}${block}\n`;
  writeFileSync(path, next);
}
