import type { Value } from './frame.js';
import type { CastStep } from './steps.js';
import { ROW_ISSUE_CODES as CODES } from './step-context.js';
import { rowMessage, type Said } from '../row-messages/index.js';
import {
  compileDateFormat, formatDate, parseWallTime, wallTimeToEpoch, zonedParts, type CompiledFormat,
} from './dates.js';

/** Why a value could not be cast; the cell becomes null and this becomes a row issue (code: ROW_ISSUE_CODES.cast*). */
export class CastFailure {
  constructor(readonly code: string, readonly said: Said) {}
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
  return (value) => {
    if (isBlank(value)) return null;
    let result: number;
    if (typeof value === 'number') result = value;
    else if (typeof value === 'boolean') result = value ? 1 : 0;
    else if (value instanceof Date) {
      return new CastFailure(CODES.castNotANumber, rowMessage(integer ? 'row.cast.dateNotAnInteger' : 'row.cast.dateNotANumber'));
    }
    else {
      let text = (value as string).trim();
      if (thousands) text = text.split(thousands).join('');
      if (decimal === ',') text = text.replace(',', '.');
      if (!shape.test(text)) {
        const said = rowMessage(integer ? 'row.cast.notAnInteger' : 'row.cast.notANumber', { value: String(value) });
        return new CastFailure(CODES.castNotANumber, said);
      }
      result = Number(text);
    }
    if (!Number.isFinite(result)) {
      return new CastFailure(CODES.castNotANumber, rowMessage('row.cast.notFinite', { value: String(value) }));
    }
    if (integer && !Number.isSafeInteger(result)) {
      return new CastFailure(CODES.castNotAnInteger, rowMessage('row.cast.integerTooLarge', { value: String(value) }));
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
    const said = rowMessage('row.cast.notABoolean', { value: toText(value as Exclude<Value, null>) });
    return new CastFailure(CODES.castNotABoolean, said);
  };
}

function dateCaster(step: CastStep, withTime: boolean): Caster {
  const format: CompiledFormat | undefined = step.format ? compileDateFormat(step.format) : undefined;
  const timeZone = step.timeZone ?? 'UTC';
  const notADate = (value: string): CastFailure => new CastFailure(CODES.castInvalidDate, dateFailure(withTime, step, value));
  return (value) => {
    if (isBlank(value)) return null;
    if (value instanceof Date) {
      const ms = value.getTime();
      if (Number.isNaN(ms)) return new CastFailure(CODES.castInvalidDate, rowMessage('row.cast.invalidDateValue'));
      if (withTime) return value.toISOString();
      const p = zonedParts(ms, timeZone);
      return formatDate(p.year, p.month, p.day);
    }
    if (typeof value !== 'string') return notADate(String(value));
    const wall = parseWallTime(value, { format, order: step.order });
    if (!wall) return notADate(value);
    // A date is the calendar day as written: no zone arithmetic can move it.
    if (!withTime) return formatDate(wall.year, wall.month, wall.day);
    return new Date(wallTimeToEpoch(wall, timeZone)).toISOString();
  };
}

/** A value that is no date, saying what the step expected: its format, its day/month order, or ISO. */
function dateFailure(withTime: boolean, step: CastStep, value: string): Said {
  if (step.format) return rowMessage(withTime ? 'row.cast.datetime.format' : 'row.cast.date.format', { value, format: step.format });
  if (step.order) return rowMessage(withTime ? 'row.cast.datetime.order' : 'row.cast.date.order', { value, order: step.order });
  return rowMessage(withTime ? 'row.cast.datetime.iso' : 'row.cast.date.iso', { value });
}
