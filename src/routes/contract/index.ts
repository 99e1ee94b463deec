import type { ApiOperation } from '../../openapi/index.js';
import { adminOperations } from './admin.js';
import { apiDocsOperations } from './api-docs.js';
import { connectionOperations } from './connections.js';
import { datasetOperations } from './datasets.js';
import { draftOperations } from './drafts.js';
import { exportOperations } from './exports.js';
import { migrationOperations } from './migrations.js';
import { reconciliationOperations } from './reconciliation.js';
import { planOperations } from './plans.js';
import { preflightOperations } from './preflight.js';
import { templateOperations } from './templates.js';
import { tokenOperations } from './tokens.js';
import { scheduleOperations } from './schedules.js';
import { transferOperations } from './transfers.js';

/** Every route of /api/v1 with its schemas: the OpenAPI document and the contract test read this list. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...apiDocsOperations,
  ...datasetOperations,
  ...migrationOperations,
  ...reconciliationOperations,
  ...draftOperations,
  ...exportOperations,
  ...planOperations,
  ...connectionOperations,
  ...adminOperations,
  ...preflightOperations,
  ...templateOperations,
  ...tokenOperations,
  ...scheduleOperations,
  ...transferOperations,
];
