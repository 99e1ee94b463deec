import type { NextFunction, Request, Response } from 'express';
import { notFound, sendErrors } from './respond.js';

/** The API versions the Local org serves: 31.0 (the oldest an org still answers) to 64.0. */
export const FIRST_VERSION = 31;
export const LATEST_VERSION = 64;
const SEASONS = ['Spring', 'Summer', 'Winter'];

/** `GET /services/data`: the API versions the emulator answers (no session needed, as in an org). */
export function versionList(): { label: string; url: string; version: string }[] {
  const list = [];
  for (let v = FIRST_VERSION; v <= LATEST_VERSION; v++) {
    const year = 2014 + Math.floor((v - 30) / 3);
    const label = `${SEASONS[(v - 30) % 3]} '${String(year).slice(2)}`;
    list.push({ label, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return list;
}

/** The served version number in `vNN.0`, 'retired' for an older one, null for anything else. */
export function servedVersion(segment: string): number | 'retired' | null {
  const match = /^v(\d{1,3})\.0$/.exec(segment);
  if (!match) return null;
  const n = Number(match[1]);
  if (n < FIRST_VERSION) return 'retired';
  return n <= LATEST_VERSION ? n : null;
}

/**
 * Only listed versions are served, as in an org: a retired one (below 31.0) answers 410 Gone, one the
 * org does not have yet (or a malformed segment) 404 NOT_FOUND.
 */
export function versionGate(req: Request, res: Response, next: NextFunction): void {
  const served = servedVersion(String(req.params.version));
  if (served === 'retired') {
    const message = `API version ${String(req.params.version).slice(1)} has been retired and is no longer available`;
    return sendErrors(res, 410, [{ errorCode: 'UNSUPPORTED_API_VERSION', message }]);
  }
  if (served === null) return notFound(res);
  next();
}
