import { readdirSync, readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { projectPath } from '../paths.js';
import { memoByText } from '../memo.js';

/**
 * English and Simplified Chinese. Messages live in locales/<locale>/<room>.json (flat key -> text,
 * `{name}` placeholders), one file per room so rooms never edit each other's catalogues.
 */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

type Catalogue = Map<string, string>;

function loadCatalogue(locale: Locale): Catalogue {
  const dir = projectPath('locales', locale);
  const messages: Catalogue = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const entries = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Record<string, string>;
    for (const [key, text] of Object.entries(entries)) messages.set(key, text);
  }
  return messages;
}

const catalogues = new Map<Locale, Catalogue>(LOCALES.map((l) => [l, loadCatalogue(l)]));

export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const text = catalogues.get(locale)?.get(key) ?? catalogues.get('en')?.get(key) ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Every message whose key starts with `prefix` (English where a locale lacks one): what a page script needs. */
export function catalogueSection(locale: Locale, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [catalogues.get('en'), catalogues.get(locale)]) {
    for (const [key, text] of source ?? []) if (key.startsWith(prefix)) out[key] = text;
  }
  return out;
}

/** Picks the locale: the remembered `lang` cookie first, then Accept-Language, then English. */
export function pickLocale(cookieHeader: string | undefined, acceptLanguage: string | undefined): Locale {
  const cookie = /(?:^|;\s*)lang=([^;]+)/.exec(cookieHeader ?? '')?.[1];
  if (cookie && (LOCALES as readonly string[]).includes(decodeURIComponent(cookie))) return decodeURIComponent(cookie) as Locale;
  return localeOfAcceptLanguage(acceptLanguage ?? '');
}

const localeOfAcceptLanguage = memoByText((acceptLanguage): Locale => {
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { tag: (tag ?? '').toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((p) => p.tag && p.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
});

// Built once per locale: constructing Intl formatters costs more than the rest of a cached API request.
interface Formatters { numbers: Intl.NumberFormat; dates: Intl.DateTimeFormat }
const formatters = new Map<Locale, Formatters>(LOCALES.map((l) => [l, { numbers: new Intl.NumberFormat(l), dates: new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' }) }]));

/** A catalogue sentence with its numbers formatted for the locale (9000 -> "9,000"). */
export function say(locale: Locale, message: { key: string; params?: Record<string, string | number> }): string {
  const { numbers } = formatters.get(locale) as Formatters;
  const params = Object.fromEntries(Object.entries(message.params ?? {}).map(([k, v]) => [k, typeof v === 'number' ? numbers.format(v) : v]));
  return translate(locale, message.key, params);
}

/** A sentence DMS wrote about a row, by key, with the column it is about (src/row-messages). */
export interface RowSentence { key: string; params?: Record<string, string | number>; within?: string; column?: string }

/**
 * A row's message in the locale: its sentences by key, each after its column, joined; `english` (the stored
 * text) when it has no keys (Salesforce's own words, documents written before keys).
 */
export function sayRow(locale: Locale, sentences: RowSentence | RowSentence[] | undefined, english: string): string {
  const list = sentences === undefined ? [] : Array.isArray(sentences) ? sentences : [sentences];
  // A key this version no longer has (a document from another version) falls back to the stored English too.
  if (list.length === 0 || list.some((s) => !catalogues.get('en')?.has(s.key))) return english;
  const said = list.map((s) => {
    const own = say(locale, s);
    const text = s.within === undefined ? own : translate(locale, s.within, { message: own });
    return s.column === undefined ? text : translate(locale, 'row.inColumn', { column: s.column, message: text });
  });
  return said.join(translate(locale, 'row.separator'));
}

/** Sets res.locals.locale, t(key, params), say(message), sayRow(sentences, english), formatNumber(n) and formatDate(d) for views. */
export const i18nMiddleware: RequestHandler = (req, res, next) => {
  const locale = pickLocale(req.headers.cookie, req.headers['accept-language']);
  const { numbers, dates } = formatters.get(locale) as Formatters;
  res.locals.locale = locale;
  res.locals.t = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
  // The Local org is DMS's own connection: its name is said in the reader's language.
  res.locals.orgName = (c: { id: string; name: string }) => (c.id === 'local' ? translate(locale, 'home.localOrg') : c.name);
  res.locals.section = (prefix: string) => catalogueSection(locale, prefix);
  res.locals.say = (message: { key: string; params?: Record<string, string | number> }) => say(locale, message);
  res.locals.sayRow = (sentences: RowSentence | RowSentence[] | undefined, english: string) => sayRow(locale, sentences, english);
  res.locals.formatNumber = (n: number) => numbers.format(n);
  res.locals.formatDate = (d: string | Date) => dates.format(typeof d === 'string' ? new Date(d) : d);
  next();
};
