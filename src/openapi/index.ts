export { defineOperations, expressPath, isMediaBody, type ApiOperation, type HttpMethod, type MediaBody, type OperationScope } from './operation.js';
export { buildOpenApiDocument } from './document.js';
export { ErrorBody } from './error-body.js';
