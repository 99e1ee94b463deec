import { AppError } from '../errors.js';
import { SoqlError, SoqlSource, isDateLiteral, kindOf, soqlString, type Kind } from '../soql/index.js';
import { resolvePath, type DescribeLoader } from './field-paths.js';
import type { ExportCondition, ExportRequest } from './model.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;
/** TODAY, LAST_N_DAYS:30, ... */
const isDateWord = (text: string): boolean => {
  const [word, n] = text.toUpperCase().split(':');
  return isDateLiteral(word) && (n === undefined || /^\d+$/.test(n));
};


/** One value in the SOQL form its field's type asks for, or undefined when it cannot be one. */
function literal(kind: Kind, text: string): string | undefined {
  switch (kind) {
    case 'string':
    case 'id':
      return soqlString(text);
    case 'number':
      return NUMBER.test(text) ? text : undefined;
    case 'boolean':
      return /^(true|false)$/i.test(text) ? text.toLowerCase() : undefined;
    case 'date':
      return DATE.test(text) || isDateWord(text) ? text.toUpperCase() : undefined;
    case 'datetime':
      return DATETIME.test(text) ? text : isDateWord(text) ? text.toUpperCase() : undefined;
  }
}

const EXPECTED: Record<Kind, string> = {
  string: 'any text', id: 'a record id', number: 'a number such as 42 or -1.5', boolean: 'true or false',
  date: 'a date as 2024-12-31 or a date literal such as LAST_N_DAYS:30',
  datetime: 'a date and time as 2024-12-31T23:59:59Z or a date literal such as TODAY',
};

async function compileCondition(
  condition: ExportCondition, index: number, object: string, describeOf: DescribeLoader,
): Promise<string> {
  const root = await describeOf(object);
  if (!root) throw new AppError('EXPORT_OBJECT_UNKNOWN', 400, `Object ${object} does not exist in this org.`);
  const where = `Condition ${index + 1} (${condition.field} ${condition.operator})`;
  let field;
  try {
    field = (await resolvePath(new SoqlSource(condition.field), 0, root, condition.field, describeOf)).field;
  } catch (error) {
    if (!(error instanceof SoqlError)) throw error;
    throw new AppError('EXPORT_CONDITION_INVALID', 400, `${where}: ${error.message.split('\n').at(-1)}`);
  }
  const kind = kindOf(field);
  const list = condition.operator.endsWith('IN');
  const values = list ? condition.value.split(',').map((v) => v.trim()) : [condition.value.trim()];
  const literals = values.map((text) => (text === '' && !list ? 'null' : literal(kind, text)));
  const bad = literals.findIndex((l) => l === undefined);
  if (bad >= 0) {
    const message = `${where}: "${values[bad]}" is not ${EXPECTED[kind]} (field ${field.name} is ${field.type}).`;
    throw new AppError('EXPORT_CONDITION_INVALID', 400, message);
  }
  const right = list ? `(${literals.join(', ')})` : literals[0];
  return `${condition.field} ${condition.operator} ${right}`;
}

/** The SOQL of a form's export: SELECT fields FROM object [WHERE conditions AND (where)] [ORDER BY] [LIMIT]. */
export async function buildSoql(request: ExportRequest, describeOf: DescribeLoader): Promise<string> {
  if (request.soql !== undefined) return request.soql.trim();
  const object = request.object ?? '';
  const filters = [];
  for (const [index, condition] of request.conditions.entries()) {
    filters.push(await compileCondition(condition, index, object, describeOf));
  }
  if (request.where) filters.push(filters.length > 0 ? `(${request.where.trim()})` : request.where.trim());
  return [
    `SELECT ${request.fields.join(', ')} FROM ${object}`,
    filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : '',
    request.orderBy ? ` ORDER BY ${request.orderBy.trim()}` : '',
    request.limit ? ` LIMIT ${request.limit}` : '',
  ].join('');
}
