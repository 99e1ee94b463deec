/**
 * SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER, ...) as half-open ranges [start, end) of
 * UTC milliseconds. The Local org's users are in GMT, its weeks start on Sunday (en_US) and its
 * fiscal year is the calendar year (an org's default).
 */
type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';
type Rule = { unit: Unit; from: number; count: number } | { unit: Unit; n: 'last' | 'next' | 'ago' };

const DAY = 86_400_000;
const FIXED: Record<string, Rule> = {
  YESTERDAY: { unit: 'day', from: -1, count: 1 }, TODAY: { unit: 'day', from: 0, count: 1 }, TOMORROW: { unit: 'day', from: 1, count: 1 },
  LAST_WEEK: { unit: 'week', from: -1, count: 1 }, THIS_WEEK: { unit: 'week', from: 0, count: 1 }, NEXT_WEEK: { unit: 'week', from: 1, count: 1 },
  LAST_MONTH: { unit: 'month', from: -1, count: 1 }, THIS_MONTH: { unit: 'month', from: 0, count: 1 }, NEXT_MONTH: { unit: 'month', from: 1, count: 1 },
  LAST_90_DAYS: { unit: 'day', from: -90, count: 91 }, NEXT_90_DAYS: { unit: 'day', from: 1, count: 90 },
  LAST_QUARTER: { unit: 'quarter', from: -1, count: 1 }, THIS_QUARTER: { unit: 'quarter', from: 0, count: 1 },
  NEXT_QUARTER: { unit: 'quarter', from: 1, count: 1 },
  LAST_YEAR: { unit: 'year', from: -1, count: 1 }, THIS_YEAR: { unit: 'year', from: 0, count: 1 }, NEXT_YEAR: { unit: 'year', from: 1, count: 1 },
};
const WITH_N: Record<string, Rule> = {
  LAST_N_DAYS: { unit: 'day', n: 'last' }, NEXT_N_DAYS: { unit: 'day', n: 'next' }, N_DAYS_AGO: { unit: 'day', n: 'ago' },
  LAST_N_WEEKS: { unit: 'week', n: 'last' }, NEXT_N_WEEKS: { unit: 'week', n: 'next' }, N_WEEKS_AGO: { unit: 'week', n: 'ago' },
  LAST_N_MONTHS: { unit: 'month', n: 'last' }, NEXT_N_MONTHS: { unit: 'month', n: 'next' }, N_MONTHS_AGO: { unit: 'month', n: 'ago' },
  LAST_N_QUARTERS: { unit: 'quarter', n: 'last' }, NEXT_N_QUARTERS: { unit: 'quarter', n: 'next' },
  N_QUARTERS_AGO: { unit: 'quarter', n: 'ago' },
  LAST_N_YEARS: { unit: 'year', n: 'last' }, NEXT_N_YEARS: { unit: 'year', n: 'next' }, N_YEARS_AGO: { unit: 'year', n: 'ago' },
};
for (const [name, rule] of Object.entries({ ...FIXED, ...WITH_N })) {
  if (rule.unit === 'quarter' || rule.unit === 'year') {
    const fiscal = name.replace('QUARTER', 'FISCAL_QUARTER').replace('YEAR', 'FISCAL_YEAR');
    (name in FIXED ? FIXED : WITH_N)[fiscal] = rule;
  }
}

export function isDateLiteral(word: string): boolean {
  return word in FIXED || word in WITH_N;
}

export function takesN(word: string): boolean {
  return word in WITH_N;
}

/** The first instant of the period (unit) holding `ms`, moved by `offset` periods. */
function periodStart(ms: number, unit: Unit, offset: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = Date.UTC(y, m, d.getUTCDate());
  switch (unit) {
    case 'day': return day + offset * DAY;
    case 'week': return day - d.getUTCDay() * DAY + offset * 7 * DAY;
    case 'month': return Date.UTC(y, m + offset, 1);
    case 'quarter': return Date.UTC(y, m - (m % 3) + offset * 3, 1);
    case 'year': return Date.UTC(y + offset, 0, 1);
  }
}

/** The range a literal denotes at `now`: LAST_N_x covers the n periods before the current one (days include today). */
export function dateLiteralRange(name: string, n: number | null, now = Date.now()): { start: number; end: number } {
  const rule = FIXED[name] ?? WITH_N[name];
  const count = n ?? 0;
  const span = (from: number, periods: number) => ({
    start: periodStart(now, rule.unit, from),
    end: periodStart(now, rule.unit, from + periods),
  });
  if ('from' in rule) return span(rule.from, rule.count);
  if (rule.n === 'ago') return span(-count, 1);
  if (rule.n === 'next') return span(1, count);
  return rule.unit === 'day' ? span(-count, count + 1) : span(-count, count);
}
