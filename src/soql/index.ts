export type { Condition, FieldRef, Literal, Operand, OrderItem, SelectItem, SoqlQuery } from './ast.js';
export { SoqlError, SoqlSource } from './errors.js';
export { parseSoql } from './parser.js';
export { dateLiteralRange, isDateLiteral } from './date-literals.js';
export { checkLiteral, kindOf, type Kind, type TypedField } from './literal-types.js';
export { MAX_ENCODED_SOQL, inListQueries, soqlString } from './statements.js';
