import type { Services } from '../services.js';
import { AppError } from '../errors.js';
import { translate } from '../i18n/index.js';
import type { LookupResolver } from '../frame/index.js';
import { fieldByName } from '../mapping/index.js';
import { describeObject, restQueryPages, sessionFor } from '../salesforce/index.js';
import { inListQueries } from '../soql/index.js';
import { answerKey, lookupFieldType, soqlLiteral, type LiteralOf } from './soql-literal.js';

interface Target { object: string; field: string; type: string }

/** A lookup that cannot be asked: stops the run (400) with the sentence in both languages. */
const lookupError = (key: string, params: Record<string, string>): AppError =>
  new AppError('PIPELINE_INVALID', 400, translate('en', key, params), { i18n: [{ key, params }] });

/** `SELECT Id, F FROM O WHERE F IN (...)` statements, each URL-sized (inListQueries). */
export const lookupQueries = (target: Pick<Target, 'object' | 'field'>, literals: readonly string[]): string[] =>
  inListQueries(`SELECT Id, ${target.field} FROM ${target.object} WHERE ${target.field} IN (`, literals);

/**
 * Lookups against one connection, for one run (a validation, a preview, a batch): each distinct value is
 * asked once, in as few URL-sized queries as it takes, and the answer is kept for the next chunk. With
 * `shared` (a migration's Redis key) the answers are kept for the whole run too: a batch on any worker
 * asks only what no batch before it asked.
 */
export class OrgLookupResolver implements LookupResolver {
  private readonly targets = new Map<string, Promise<Target>>();
  /** `Object.Field` -> value key -> the matching Ids. */
  private readonly answers = new Map<string, Map<string, string[]>>();
  /** SOQL queries sent so far (what the cache saves is visible in tests and logs). */
  queries = 0;

  constructor(
    private readonly services: Services, private readonly connectionId: string,
    private readonly shared?: { key: string; ttlSeconds: number },
  ) {}

  async resolve(object: string, field: string, values: readonly string[]): Promise<Map<string, string[]>> {
    const target = await this.target(object, field);
    const known = this.answersOf(target);
    const literals = new Map<string, LiteralOf | null>(values.map((v) => [v, soqlLiteral(target.type, v)]));
    const missing = new Map<string, string>();
    for (const literal of literals.values()) if (literal && !known.has(literal.key)) missing.set(literal.key, literal.literal);
    if (missing.size > 0) await this.recall(target, missing, known);
    if (missing.size > 0) await this.ask(target, missing, known);
    return new Map(values.map((v) => [v, known.get(literals.get(v)?.key ?? '') ?? []]));
  }

  private answersOf(target: Target): Map<string, string[]> {
    const name = `${target.object}.${target.field}`;
    let known = this.answers.get(name);
    if (!known) this.answers.set(name, (known = new Map()));
    return known;
  }

  private sharedKey(target: Target): string {
    return `${this.shared?.key}:${target.object}.${target.field}`;
  }

  /** Takes what earlier batches of the run learnt (one Redis hash per object and field) out of `missing`. */
  private async recall(target: Target, missing: Map<string, string>, known: Map<string, string[]>): Promise<void> {
    if (!this.shared) return;
    const keys = [...missing.keys()];
    const stored = await this.services.redis.hmget(this.sharedKey(target), ...keys);
    stored.forEach((ids, i) => {
      if (ids === null) return;
      known.set(keys[i], JSON.parse(ids) as string[]);
      missing.delete(keys[i]);
    });
  }

  private async remember(target: Target, found: Map<string, string[]>): Promise<void> {
    if (!this.shared) return;
    const key = this.sharedKey(target);
    const entries = [...found].flatMap(([value, ids]) => [value, JSON.stringify(ids)]);
    await this.services.redis.multi().hset(key, ...entries).expire(key, this.shared.ttlSeconds).exec();
  }

  private async ask(target: Target, missing: Map<string, string>, known: Map<string, string[]>): Promise<void> {
    const session = await sessionFor(this.services, this.connectionId);
    const found = new Map<string, string[]>([...missing.keys()].map((key) => [key, []]));
    for (const soql of lookupQueries(target, [...missing.values()])) {
      this.queries++;
      for await (const page of restQueryPages(session, soql, false)) {
        for (const record of page.records) {
          const key = answerKey(target.type, record[target.field]);
          if (key !== null) found.get(key)?.push(String(record.Id));
        }
      }
    }
    for (const [key, ids] of found) known.set(key, ids);
    await this.remember(target, found);
  }

  /** The object and field as describe spells them, checked once per run: a typo stops the run with its name. */
  private target(object: string, field: string): Promise<Target> {
    const name = `${object}.${field}`.toLowerCase();
    let target = this.targets.get(name);
    if (!target) {
      target = this.describeTarget(object, field);
      this.targets.set(name, target);
    }
    return target;
  }

  private async describeTarget(object: string, field: string): Promise<Target> {
    const session = await sessionFor(this.services, this.connectionId);
    const describe = await describeObject(this.services.redis, session, object);
    const info = fieldByName(describe, field);
    if (!info) throw lookupError('pipeline.error.lookupNoField', { object: describe.name, field });
    const filterable = (info as { filterable?: boolean }).filterable !== false;
    if (!filterable || !lookupFieldType(info.type)) {
      throw lookupError('pipeline.error.lookupNotComparable', { object: describe.name, field: info.name, type: info.type });
    }
    return { object: describe.name, field: info.name, type: info.type };
  }
}
