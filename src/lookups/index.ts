export { OrgLookupResolver, lookupQueries } from './org-resolver.js';
export { soqlLiteral, answerKey, lookupFieldType } from './soql-literal.js';
export { lookupChoices, type LookupChoice } from './choices.js';
