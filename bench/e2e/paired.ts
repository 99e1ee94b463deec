// Alternating runs of two builds compared pair by pair (the same round, the same minute of a machine whose speed drifts
// by ~30 % within an hour): a change is shown only when the pairs agree, not when two medians differ.

/** The middle value (the upper one of an even count), as the benches' tables report it. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Two-sided sign test: the chance of a split at least this uneven among `n` pairs if neither build were faster. */
export function signTestP(faster: number, n: number): number {
  const fewer = Math.min(faster, n - faster);
  let tail = 0;
  let choose = 1; // C(n, i)
  for (let i = 0; i <= fewer; i++) {
    tail += choose;
    choose = (choose * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

export interface PairedSummary {
  pairs: number;
  medianBase: number;
  medianOther: number;
  /** Median of (other - base) over the pairs, and the least and most of them. */
  medianDifference: number;
  least: number;
  most: number;
  /** Pairs in which the other was lower (faster, or fewer CPU seconds). */
  otherLower: number;
  p: number;
}

/** `base[i]` and `other[i]` are the same round's runs of the two builds. */
export function pairedSummary(base: readonly number[], other: readonly number[]): PairedSummary {
  const pairs = Math.min(base.length, other.length);
  const differences = Array.from({ length: pairs }, (_, i) => other[i] - base[i]);
  const otherLower = differences.filter((d) => d < 0).length;
  return {
    pairs,
    medianBase: median(base.slice(0, pairs)),
    medianOther: median(other.slice(0, pairs)),
    medianDifference: median(differences),
    least: Math.min(...differences),
    most: Math.max(...differences),
    otherLower,
    p: signTestP(otherLower, pairs),
  };
}

/** One line a person reads: the medians, the paired differences, the split and whether it says anything. */
export function pairedLine(what: string, s: PairedSummary, unit: string): string {
  const f = (x: number) => x.toFixed(2);
  const verdict = s.p <= 0.05 ? (s.otherLower > s.pairs / 2 ? 'lower, shown' : 'higher, shown') : 'no difference shown';
  return `${what}: ${f(s.medianOther)} against ${f(s.medianBase)} ${unit} (medians of ${s.pairs} pairs); differences median ${f(s.medianDifference)}, `
    + `${f(s.least)} to ${f(s.most)} ${unit}; lower in ${s.otherLower} of ${s.pairs} pairs (sign test p = ${s.p.toFixed(3)}): ${verdict}`;
}
