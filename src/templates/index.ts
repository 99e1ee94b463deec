export { SourceColumn, TemplateDoc, TemplateInput, TemplateName, presentTemplate, templateDocId } from './model.js';
export { deleteTemplate, findLatest, findTemplateDoc, getTemplate, listTemplates, listVersions, saveTemplate, type TemplateSummary } from './store.js';
export { checkCompatibility, type Compatibility, type DatasetColumn, type TypeConcern } from './compatibility.js';
export { followColumns, type MissingColumn } from './column-flow.js';
export { diffVersions, type MappingEntry, type TemplateDiff } from './diff.js';
