import type { Request, Response } from 'express';
import type { WriteContext } from '../data/dml.js';
import type { Table, Undo } from '../data/table.js';
import type { FaultSettings } from '../options.js';
import type { EmulatorState, Session } from '../state.js';
import { sendErrors } from './respond.js';

export function writeContext(state: EmulatorState, res: Response, journal?: Undo[]): WriteContext {
  const session = res.locals.session as Session;
  const faults = (res.locals.faults as FaultSettings | undefined) ?? state.faults.settings;
  return { store: state.store, userId: session.userId, lockRatio: faults.lockRatio, random: state.faults.random, journal };
}

/** The API version segment of the request (`v62.0`). */
export function versionOf(req: Request): string {
  return String(req.params.version);
}

/** The API version as the number Bulk job infos carry (62). */
export function apiVersionOf(req: Request): number {
  return Number(versionOf(req).slice(1));
}

/** The table of `name`, or a 404 NOT_FOUND answer (an unknown sObject type in the URL). */
export function tableOr404(state: EmulatorState, res: Response, name: unknown): Table | undefined {
  const table = typeof name === 'string' ? state.store.table(name) : undefined;
  if (!table) sendErrors(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  return table;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
