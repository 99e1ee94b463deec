import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Writes a bench's RESULTS.md: the new text first, then the dated sections of the file as it was (every `## `
 * section but Reproduce, which the new text carries), so a run does not erase the notes of earlier ones.
 */
export function writeResults(path: string, text: string): void {
  const earlier = existsSync(path)
    ? readFileSync(path, 'utf8').split(/\n(?=## )/).slice(1).filter((section) => !section.startsWith('## Reproduce'))
    : [];
  writeFileSync(path, [text.trimEnd(), ...earlier.map((section) => section.trimEnd())].join('\n\n') + '\n');
}
