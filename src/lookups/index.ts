export { OrgLookupResolver, lookupQueries, MAX_ENCODED_SOQL } from './org-resolver.js';
export { soqlLiteral, answerKey, lookupFieldType } from './soql-literal.js';
export { lookupChoices, type LookupChoice } from './choices.js';
