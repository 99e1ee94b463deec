/**
 * Calendar dates and date-times without hidden time-zone shifts. A date is a calendar date
 * ('YYYY-MM-DD') read exactly as written; a date-time without an explicit offset is a wall-clock
 * time in a named IANA time zone (via Intl) and is returned as ISO UTC. Nothing here uses the
 * process's local time zone, which is what makes other tools move dates by a day.
 */
export interface WallTime {
  year: number; month: number; day: number;
  hour: number; minute: number; second: number; millisecond: number;
  /** Minutes east of UTC when the text carried an explicit offset ('Z', '+02:00'). */
  offsetMinutes?: number;
}

export type DateOrder = 'DMY' | 'MDY';

const TOKEN = /YYYY|YY|MM|M|DD|D|HH|H|mm|ss|SSS/g;
const TOKEN_PATTERN: Record<string, string> = {
  YYYY: '(\\d{4})', YY: '(\\d{2})', MM: '(\\d{2})', M: '(\\d{1,2})', DD: '(\\d{2})', D: '(\\d{1,2})',
  HH: '(\\d{2})', H: '(\\d{1,2})', mm: '(\\d{2})', ss: '(\\d{2})', SSS: '(\\d{1,3})',
};

export interface CompiledFormat { regex: RegExp; tokens: string[] }

/** Turns 'DD/MM/YYYY HH:mm' into a matcher; throws on a format without a year, month and day. */
export function compileDateFormat(format: string): CompiledFormat {
  const tokens: string[] = [];
  let source = '';
  let last = 0;
  for (const match of format.matchAll(TOKEN)) {
    source += escapeRegex(format.slice(last, match.index)) + TOKEN_PATTERN[match[0]];
    tokens.push(match[0]);
    last = match.index + match[0].length;
  }
  source += escapeRegex(format.slice(last));
  const has = (...names: string[]) => names.some((n) => tokens.includes(n));
  if (!has('YYYY', 'YY') || !has('MM', 'M') || !has('DD', 'D')) {
    throw new Error(`date format '${format}' needs a year (YYYY or YY), a month (MM or M) and a day (DD or D)`);
  }
  return { regex: new RegExp(`^${source}$`), tokens };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const NUMERIC = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Parses text by an explicit format, else ISO 8601, else d/m/y or m/d/y when an order is given. */
export function parseWallTime(text: string, options: { format?: CompiledFormat; order?: DateOrder }): WallTime | null {
  const input = text.trim();
  if (options.format) return fromFormat(input, options.format);
  const iso = ISO.exec(input);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, offset] = iso;
    return checked({
      year: +y, month: +mo, day: +d, hour: num(h), minute: num(mi), second: num(s),
      millisecond: frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
      offsetMinutes: offset ? parseOffset(offset) : undefined,
    });
  }
  const numeric = options.order ? NUMERIC.exec(input) : null;
  if (!numeric) return null;
  const [, a, b, c, h, mi, s] = numeric;
  if (a.length > 2) return null;
  const [day, month] = options.order === 'DMY' ? [a, b] : [b, a];
  return checked({ year: fullYear(c), month: +month, day: +day, hour: num(h), minute: num(mi), second: num(s), millisecond: 0 });
}

function fromFormat(input: string, format: CompiledFormat): WallTime | null {
  const match = format.regex.exec(input);
  if (!match) return null;
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
  format.tokens.forEach((token, i) => {
    const text = match[i + 1];
    const value = Number(text);
    if (token === 'YYYY') wall.year = value;
    else if (token === 'YY') wall.year = fullYear(text);
    else if (token === 'MM' || token === 'M') wall.month = value;
    else if (token === 'DD' || token === 'D') wall.day = value;
    else if (token === 'HH' || token === 'H') wall.hour = value;
    else if (token === 'mm') wall.minute = value;
    else if (token === 'ss') wall.second = value;
    else wall.millisecond = Math.floor(Number(`0.${text}`) * 1000);
  });
  return checked(wall);
}

const num = (text: string | undefined): number => (text === undefined ? 0 : Number(text));

/** Two-digit years: 00-49 are 2000-2049, 50-99 are 1950-1999 (the usual spreadsheet pivot). */
function fullYear(text: string): number {
  const value = Number(text);
  if (text.length > 2) return value;
  return value < 50 ? 2000 + value : 1900 + value;
}

function parseOffset(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return text[0] === '-' ? -minutes : minutes;
}

/** Rejects impossible calendar dates (31 April, 29 February 2023) and times. */
function checked(wall: WallTime): WallTime | null {
  if (wall.year < 1 || wall.year > 9999 || wall.month < 1 || wall.month > 12) return null;
  if (wall.day < 1 || wall.day > daysInMonth(wall.year, wall.month)) return null;
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) return null;
  return wall;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the IANA zone name ('Europe/Paris', 'UTC'). */
export function isValidTimeZone(timeZone: string): boolean {
  try { formatterFor(timeZone); return true; } catch { return false; }
}

/** The wall-clock calendar fields of an instant in a time zone. */
export function zonedParts(epochMs: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year, month: parts.month, day: parts.day, hour: parts.hour,
    minute: parts.minute, second: parts.second, millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
}

function offsetAt(epochMs: number, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
  return asUtc - epochMs;
}

/** The instant of a wall time: its explicit offset if it had one, else the zone's offset then. */
export function wallTimeToEpoch(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  if (wall.offsetMinutes !== undefined) return asUtc - wall.offsetMinutes * 60_000;
  if (timeZone === 'UTC') return asUtc;
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  return second;
}

/** Today's calendar date in a zone, as 'YYYY-MM-DD'. */
export function todayIn(now: Date, timeZone: string): string {
  const p = zonedParts(now.getTime(), timeZone);
  return formatDate(p.year, p.month, p.day);
}
