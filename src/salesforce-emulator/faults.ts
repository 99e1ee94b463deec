import type { NextFunction, Request, Response } from 'express';
import { FaultSettings } from './options.js';
import { sendErrors } from './http/respond.js';

export const FAULT_HEADER = 'x-emulator-fault';

/** A small seeded PRNG (mulberry32), so fault ratios are reproducible run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses `latency=200;status503=1;lockRatio=0.1` (`;` or `,` separated); unknown keys are an error. */
export function parseFaultHeader(header: string): Partial<FaultSettings> {
  const entries = header.split(/[;,]/).map((part) => part.trim()).filter(Boolean).map((part) => {
    const [key, value = ''] = part.split('=').map((s) => s.trim());
    return [key, value];
  });
  return FaultSettings.partial().strict().parse(Object.fromEntries(entries));
}

/** Runtime fault settings: from options, replaced through POST /__emulator/faults, overridden per request by the header. */
export class Faults {
  settings: FaultSettings;
  readonly random: () => number;

  constructor(initial: Partial<FaultSettings>, seed: number) {
    this.settings = FaultSettings.parse(initial);
    this.random = seededRandom(seed);
  }

  replace(next: Partial<FaultSettings>): FaultSettings {
    this.settings = FaultSettings.parse(next);
    return this.settings;
  }

  /** The settings for one request: runtime settings with the request header on top. */
  effective(req: Request): FaultSettings {
    const header = req.get(FAULT_HEADER);
    return header ? { ...this.settings, ...parseFaultHeader(header) } : this.settings;
  }
}

/** Latency and 503s for API requests; stores the effective settings in res.locals.faults. */
export function faultMiddleware(faults: Faults) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let settings: FaultSettings;
    try {
      settings = faults.effective(req);
    } catch (error) {
      sendErrors(res, 400, [{ errorCode: 'INVALID_HEADER_TYPE', message: `Bad ${FAULT_HEADER} header: ${(error as Error).message}` }]);
      return;
    }
    res.locals.faults = settings;
    if (settings.latency > 0) await new Promise((resolve) => setTimeout(resolve, settings.latency));
    const forced = faults.settings.status503Next > 0;
    if (forced) faults.settings = { ...faults.settings, status503Next: faults.settings.status503Next - 1 };
    if (forced || (settings.status503 > 0 && faults.random() < settings.status503)) {
      sendErrors(res, 503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Service temporarily unavailable (injected fault)' }]);
      return;
    }
    next();
  };
}
