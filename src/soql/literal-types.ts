import { toId18 } from '../salesforce/record-id.js';
import type { Literal } from './ast.js';
import type { SoqlSource } from './errors.js';

/** How a field's values compare in a filter; each kind has its own literal form. */
export type Kind = 'string' | 'id' | 'boolean' | 'number' | 'date' | 'datetime';

/** The parts of a describe field a filter check reads (an org's describe and the Local org's both have them). */
export interface TypedField {
  name: string;
  type: string;
}

const NUMBER_TYPES = new Set(['int', 'double', 'currency', 'percent', 'long']);

export function kindOf(field: TypedField): Kind {
  if (field.type === 'id' || field.type === 'reference') return 'id';
  if (field.type === 'boolean') return 'boolean';
  if (NUMBER_TYPES.has(field.type)) return 'number';
  if (field.type === 'date' || field.type === 'datetime') return field.type;
  return 'string';
}

/** The type name an org's filter errors use. */
function typeName(field: TypedField): string {
  const kind = kindOf(field);
  if (kind === 'datetime') return 'dateTime';
  if (kind === 'number') return field.type === 'int' ? 'integer' : 'double';
  return kind;
}

function wrongType(source: SoqlSource, field: TypedField, literal: Literal): Error {
  const quoted = kindOf(field) === 'string' || kindOf(field) === 'id';
  const reason = `value of filter criterion for field '${field.name}' must be of type ${typeName(field)} `
    + `and should ${quoted ? '' : 'not '}be enclosed in quotes`;
  return source.invalidField(literal.at, reason);
}

/**
 * Checks a literal against the field's type as an org does: a wrong type is INVALID_FIELD, an id that is not one
 * INVALID_QUERY_FILTER_OPERATOR. Returns the field's kind and, for ids, the 18-character form.
 */
export function checkLiteral(source: SoqlSource, field: TypedField, literal: Literal): { kind: Kind; id18?: string } {
  const kind = kindOf(field);
  if (literal.kind === 'null') return { kind };
  const expected: Record<Kind, readonly Literal['kind'][]> = {
    string: ['string'], id: ['string'], boolean: ['boolean'], number: ['number'],
    date: ['date', 'dateLiteral'], datetime: ['datetime', 'dateLiteral'],
  };
  if (!expected[kind].includes(literal.kind)) throw wrongType(source, field, literal);
  if (kind !== 'id' || literal.kind !== 'string') return { kind };
  const id18 = toId18(literal.value);
  if (!id18) throw source.error(literal.at, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`);
  return { kind, id18 };
}
