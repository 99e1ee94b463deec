import { Router, type Response } from 'express';
import { insertRecord } from '../data/dml.js';
import { ERR, SfError } from '../data/sf-error.js';
import type { Table, Undo } from '../data/table.js';
import { jsonColumns, resolveColumn, type Column } from '../data/validate-record.js';
import type { EmulatorState } from '../state.js';
import { isPlainObject, tableOr404, writeContext } from './context.js';
import { sendErrors, sendSfErrors } from './respond.js';

/** sObject Tree limits (REST API guide): records per request, nesting depth, object types. */
export const TREE_LIMITS = { records: 200, depth: 5, types: 5 } as const;

interface TreeNode {
  referenceId: string;
  table: Table;
  record: Record<string, unknown>;
  children: { fkColumn: Column; nodes: TreeNode[] }[];
}

class TreeError extends Error {}

/** Reads one record and its nested child records (`Contacts: {records: [...]}`), checking the limits. */
type Seen = { refs: Set<string>; types: Set<string>; count: number };

function readNode(state: EmulatorState, table: Table, raw: unknown, depth: number, seen: Seen): TreeNode {
  if (!isPlainObject(raw) || !isPlainObject(raw.attributes)) {
    throw new TreeError('Every record needs an attributes object with type and referenceId');
  }
  const { type, referenceId } = raw.attributes;
  if (typeof type !== 'string' || type.toLowerCase() !== table.schema.name.toLowerCase()) {
    throw new TreeError(`Record of type ${String(type)} cannot be inserted as ${table.schema.name}`);
  }
  if (typeof referenceId !== 'string' || referenceId === '') {
    throw new TreeError(`A ${table.schema.name} record has no referenceId`);
  }
  if (seen.refs.has(referenceId)) throw new TreeError(`Duplicate referenceId ${referenceId}`);
  if (depth > TREE_LIMITS.depth) throw new TreeError(`Records can be nested at most ${TREE_LIMITS.depth} levels deep`);
  seen.refs.add(referenceId);
  seen.types.add(table.schema.name);
  if (++seen.count > TREE_LIMITS.records) throw new TreeError(`A request can hold at most ${TREE_LIMITS.records} records`);
  if (seen.types.size > TREE_LIMITS.types) {
    throw new TreeError(`A request can hold at most ${TREE_LIMITS.types} object types`);
  }
  const record: Record<string, unknown> = {};
  const children: TreeNode['children'] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'attributes') continue;
    if (!isPlainObject(value) || !Array.isArray(value.records)) {
      record[key] = value;
      continue;
    }
    const relation = state.schema.childrenOf(table.schema.name)
      .find((c) => c.relationshipName?.toLowerCase() === key.toLowerCase());
    const child = relation && state.store.table(relation.childSObject);
    if (!relation || !child) throw ERR.invalidField(key, table.schema.name);
    const fkColumn = resolveColumn(state.store, child, relation.field) as Column;
    children.push({ fkColumn, nodes: value.records.map((r) => readNode(state, child, r, depth + 1, seen)) });
  }
  return { referenceId, table, record, children };
}

/**
 * POST /composite/tree/{Object}: inserts record trees (parents with nested children) in one all-or-none
 * request. 201 with every referenceId's id, or 400 with the failed records' errors and nothing saved.
 */
export function compositeTreeRouter(state: EmulatorState): Router {
  const router = Router({ mergeParams: true });
  router.post('/composite/tree/:object', (req, res: Response) => {
    const table = tableOr404(state, res, req.params.object);
    if (!table) return;
    const roots = isPlainObject(req.body) ? req.body.records : undefined;
    if (!Array.isArray(roots) || roots.length === 0) {
      const message = 'The request body needs a non-empty records array';
      return sendErrors(res, 400, [{ errorCode: 'INVALID_INPUT', message }]);
    }
    let nodes: TreeNode[];
    try {
      const seen = { refs: new Set<string>(), types: new Set<string>(), count: 0 };
      nodes = roots.map((r) => readNode(state, table, r, 1, seen));
    } catch (error) {
      if (error instanceof SfError) return sendSfErrors(res, 400, [error]);
      if (error instanceof TreeError) {
        return sendErrors(res, 400, [{ errorCode: 'INVALID_INPUT', message: error.message }]);
      }
      throw error;
    }
    const journal: Undo[] = [];
    const ctx = writeContext(state, res, journal);
    const saved: { referenceId: string; id: string }[] = [];
    const failed: { referenceId: string; errors: ReturnType<SfError['toJSON']>[] }[] = [];
    const insert = (node: TreeNode, parent?: { column: Column; id: string }): SfError | null => {
      const parsed = jsonColumns(state.store, node.table, node.record);
      if (parsed instanceof SfError) return parsed;
      if (parent) {
        parsed.columns.push(parent.column);
        parsed.values.push(parent.id);
      }
      const outcome = insertRecord(ctx, node.table, parsed.columns, parsed.values, 'json');
      if (!outcome.id) {
        failed.push({ referenceId: node.referenceId, errors: (outcome.errors ?? []).map((e) => e.toJSON()) });
        return null;
      }
      saved.push({ referenceId: node.referenceId, id: outcome.id });
      for (const group of node.children) {
        for (const child of group.nodes) {
          const error = insert(child, { column: group.fkColumn, id: outcome.id });
          if (error) return error;
        }
      }
      return null;
    };
    for (const node of nodes) {
      const error = insert(node);
      if (error) {
        for (const undo of journal.reverse()) undo();
        return sendSfErrors(res, 400, [error]);
      }
    }
    if (failed.length > 0) {
      for (const undo of journal.reverse()) undo();
      return void res.status(400).json({ hasErrors: true, results: failed });
    }
    res.status(201).json({ hasErrors: false, results: saved });
  });
  return router;
}
