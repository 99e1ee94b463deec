/**
 * SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER, ...) as half-open ranges [start, end) of
 * UTC milliseconds. The Local org's users are in GMT, its weeks start on Sunday (en_US) and its
 * fiscal year is the calendar year (an org's default).
 */
type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';
type Rule = { unit: Unit; from: number; count: number } | { unit: Unit; n: 'last' | 'next' | 'ago' };

const DAY = 86_400_000;
const period = (unit: Unit, from: number, count = 1): Rule => ({ unit, from, count });
const FIXED: Record<string, Rule> = {
  YESTERDAY: period('day', -1), TODAY: period('day', 0), TOMORROW: period('day', 1),
  LAST_WEEK: period('week', -1), THIS_WEEK: period('week', 0), NEXT_WEEK: period('week', 1),
  LAST_MONTH: period('month', -1), THIS_MONTH: period('month', 0), NEXT_MONTH: period('month', 1),
  LAST_90_DAYS: period('day', -90, 91), NEXT_90_DAYS: period('day', 1, 90),
  LAST_QUARTER: period('quarter', -1), THIS_QUARTER: period('quarter', 0), NEXT_QUARTER: period('quarter', 1),
  LAST_YEAR: period('year', -1), THIS_YEAR: period('year', 0), NEXT_YEAR: period('year', 1),
};
const WITH_N: Record<string, Rule> = {};
const UNITS = [['DAYS', 'day'], ['WEEKS', 'week'], ['MONTHS', 'month'], ['QUARTERS', 'quarter'], ['YEARS', 'year']] as const;
for (const [plural, unit] of UNITS) {
  WITH_N[`LAST_N_${plural}`] = { unit, n: 'last' };
  WITH_N[`NEXT_N_${plural}`] = { unit, n: 'next' };
  WITH_N[`N_${plural}_AGO`] = { unit, n: 'ago' };
}
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
