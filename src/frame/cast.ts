import type { Value } from './frame.js';
import type { CastStep } from './steps.js';
import { ROW_ISSUE_CODES as CODES } from './step-context.js';
import {
  compileDateFormat, formatDate, parseWallTime, wallTimeToEpoch, zonedParts, type CompiledFormat,
} from './dates.js';

/** Why a value could not be cast; the cell becomes null and this becomes a row issue (code: ROW_ISSUE_CODES.cast*). */
export class CastFailure {
  constructor(readonly code: string, readonly message: string) {}
}

export type Caster = (value: Value) => Value | CastFailure;

const DEFAULT_TRUE = ['true', 't', 'yes', 'y', '1', 'on'];
const DEFAULT_FALSE = ['false', 'f', 'no', 'n', '0', 'off'];

const isBlank = (value: Value): boolean => value === null || (typeof value === 'string' && value.trim() === '');

/** Builds the per-cell function once per step (formats compiled, option sets built). */
export function compileCaster(step: CastStep): Caster {
  switch (step.to) {
    case 'string': return (value) => (value === null ? null : toText(value));
    case 'number': return numberCaster(step, false);
    case 'integer': return numberCaster(step, true);
    case 'boolean': return booleanCaster(step);
    case 'date': return dateCaster(step, false);
    case 'datetime': return dateCaster(step, true);
  }
}

export function toText(value: Exclude<Value, null>): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value);
}

function numberCaster(step: CastStep, integer: boolean): Caster {
  const decimal = step.decimalSeparator ?? '.';
  const thousands = step.thousandsSeparator;
  if (thousands === decimal) throw new Error('decimalSeparator and thousandsSeparator must differ');
  const shape = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  const what = integer ? 'an integer' : 'a number';
  return (value) => {
    if (isBlank(value)) return null;
    let result: number;
    if (typeof value === 'number') result = value;
    else if (typeof value === 'boolean') result = value ? 1 : 0;
    else if (value instanceof Date) return new CastFailure(CODES.castNotANumber, `a date is not ${what}`);
    else {
      let text = (value as string).trim();
      if (thousands) text = text.split(thousands).join('');
      if (decimal === ',') text = text.replace(',', '.');
      if (!shape.test(text)) return new CastFailure(CODES.castNotANumber, `'${value}' is not ${what}`);
      result = Number(text);
    }
    if (!Number.isFinite(result)) return new CastFailure(CODES.castNotANumber, `'${String(value)}' is not a finite number`);
    if (integer && !Number.isSafeInteger(result)) {
      return new CastFailure(CODES.castNotAnInteger, `'${String(value)}' is not a whole number within ±2^53`);
    }
    return result;
  };
}

function booleanCaster(step: CastStep): Caster {
  const truthy = new Set((step.trueValues ?? DEFAULT_TRUE).map((v) => v.toLowerCase()));
  const falsy = new Set((step.falseValues ?? DEFAULT_FALSE).map((v) => v.toLowerCase()));
  return (value) => {
    if (isBlank(value)) return null;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (truthy.has(text)) return true;
    if (falsy.has(text)) return false;
    return new CastFailure(CODES.castNotABoolean, `'${toText(value as Exclude<Value, null>)}' is not a yes/no value`);
  };
}

function dateCaster(step: CastStep, withTime: boolean): Caster {
  const format: CompiledFormat | undefined = step.format ? compileDateFormat(step.format) : undefined;
  const timeZone = step.timeZone ?? 'UTC';
  const what = withTime ? 'date-time' : 'date';
  const expected = step.format ?? (step.order ? `${step.order} or ISO` : 'ISO YYYY-MM-DD');
  return (value) => {
    if (isBlank(value)) return null;
    if (value instanceof Date) {
      const ms = value.getTime();
      if (Number.isNaN(ms)) return new CastFailure(CODES.castInvalidDate, 'invalid date value');
      if (withTime) return value.toISOString();
      const p = zonedParts(ms, timeZone);
      return formatDate(p.year, p.month, p.day);
    }
    if (typeof value !== 'string') {
      return new CastFailure(CODES.castInvalidDate, `'${String(value)}' is not a ${what} (expected ${expected})`);
    }
    const wall = parseWallTime(value, { format, order: step.order });
    if (!wall) return new CastFailure(CODES.castInvalidDate, `'${value}' is not a valid ${what} (expected ${expected})`);
    // A date is the calendar day as written: no zone arithmetic can move it.
    if (!withTime) return formatDate(wall.year, wall.month, wall.day);
    return new Date(wallTimeToEpoch(wall, timeZone)).toISOString();
  };
}
