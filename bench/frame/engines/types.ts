/** One engine's run of the seven operations; each returns its own timings in ms. */
export interface EngineResult {
  steps: Record<string, number>;
  /** Rows kept after filter + dedupe, and the number of country groups: a sanity check across engines. */
  rows: number;
  groups: number;
}

export type Engine = (csvPath: string, outPath: string) => Promise<EngineResult>;

export interface Mark { (name: string): void; steps: Record<string, number> }

/** Each call records the time since the previous one under a step name. */
export function timer(): Mark {
  const steps: Record<string, number> = {};
  let last = performance.now();
  const mark = ((name: string) => { const now = performance.now(); steps[name] = (steps[name] ?? 0) + now - last; last = now; }) as Mark;
  mark.steps = steps;
  return mark;
}
