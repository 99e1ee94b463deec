export { field, FieldDescribe } from './field.js';
export type { ObjectSpec } from './object-spec.js';
export { loadSchema, Schema, type ObjectSchema } from './schema.js';
