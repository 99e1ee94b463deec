import { CsvParser } from './parser.js';

const CANDIDATES = [',', ';', '\t', '|', '^'];
const SAMPLE_ROWS = 100;

function fieldCounts(sample: string, delimiter: string): number[] {
  const counts: number[] = [];
  const parser = new CsvParser(delimiter, (fields) => {
    if (counts.length < SAMPLE_ROWS) counts.push(fields.length);
  });
  try {
    parser.push(sample);
    parser.end();
  } catch {
    // A sample cut inside a quoted field, or quotes that fit another delimiter: judge on the rows so far.
  }
  return counts;
}

/**
 * The candidate whose rows most consistently split into the same number (>= 2) of fields;
 * ties go to the larger field count, then to the order , ; tab | ^ . Defaults to a comma.
 */
export function sniffDelimiter(sample: string): string {
  let best = { delimiter: ',', consistency: 0, fields: 1 };
  for (const delimiter of CANDIDATES) {
    const counts = fieldCounts(sample, delimiter);
    if (counts.length === 0) continue;
    const frequency = new Map<number, number>();
    for (const count of counts) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    const [fields, times] = [...frequency].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
    if (fields < 2) continue;
    const consistency = times / counts.length;
    if (consistency > best.consistency || (consistency === best.consistency && fields > best.fields)) {
      best = { delimiter, consistency, fields };
    }
  }
  return best.delimiter;
}
