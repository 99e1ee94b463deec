export {
  DescribeSObjectResult, Field, PicklistEntry, WriteOperation, fieldByName, fieldByRelationship, isRequiredOnInsert, requiredOnInsert,
} from './describe-types.js';
export {
  ConstantEntry, FieldEntry, Mapping, RelationshipEntry, checkMapping, compileRecordBuilder, mappingTargets, relationshipKey,
  requiredFieldsUnmapped, type MappingProblem, type UnmappedRequirement,
} from './mapping.js';
export { mappingFromSuggestions, normalise, similarity, suggestMapping, type Suggestion } from './suggest.js';
export { mappingToSdl, sdlToMapping, type SdlImport } from './sdl.js';
