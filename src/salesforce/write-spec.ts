import { z } from 'zod';

export const Operation = z.enum(['insert', 'update', 'upsert', 'delete', 'hardDelete']);
export type Operation = z.infer<typeof Operation>;

/** What one write is: the same for Collections and Bulk. */
export interface WriteSpec {
  object: string;
  operation: Operation;
  externalIdField?: string;
  allOrNone: boolean;
  assignmentRuleId?: string;
}

/** A record as DMS prepares it: flat, keyed by target field; relationship columns as `Account.External_Id__c`. */
export type FlatRecord = Record<string, string | number | boolean | null>;

export interface RecordError { statusCode: string; message: string; fields: string[] }

/** One record's answer, in input order. */
export interface WriteResult {
  success: boolean;
  id?: string;
  created?: boolean;
  errors: RecordError[];
}
