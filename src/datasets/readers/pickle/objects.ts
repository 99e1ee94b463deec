/** The Python objects the unpickler builds. Nothing here runs code: they are inert records. */

/** A global from the allow-list (a class or function), as it sits on the stack before a call. */
export class PyGlobal {
  constructor(readonly path: string) {}
}

/** An instance of an allow-listed class: constructor args, then state from BUILD. */
export class PyInstance {
  state: unknown = undefined;
  constructor(
    readonly cls: string,
    readonly args: unknown[] = [],
  ) {}
}

export class PyTuple extends Array<unknown> {}

export const tuple = (items: unknown[]): PyTuple => {
  const result = new PyTuple();
  for (const item of items) result.push(item);
  return result;
};

export class PySlice {
  constructor(
    readonly start: number | null,
    readonly stop: number | null,
    readonly step: number | null,
  ) {}
}

/** numpy.dtype: the type code from the constructor, byte order / size / datetime unit from BUILD. */
export class NpDtype {
  state: unknown[] = [];
  constructor(readonly code: string) {}

  get kind(): string {
    return this.code[0];
  }

  get littleEndian(): boolean {
    return this.state[1] !== '>';
  }

  get itemSize(): number {
    const fromState = this.state[5];
    if (typeof fromState === 'number' && fromState > 0) return fromState;
    const digits = /\d+/.exec(this.code)?.[0];
    return digits ? Number(digits) : 8;
  }

  /** datetime64 / timedelta64 unit, from 'M8[ns]' or from the pickled metadata tuple. */
  get unit(): string {
    const bracket = /\[(\w+)\]/.exec(this.code)?.[1];
    if (bracket) return bracket;
    const metadata = this.state[8];
    const unit = Array.isArray(metadata) ? (Array.isArray(metadata[1]) ? metadata[1][0] : metadata[0]) : undefined;
    if (unit instanceof Uint8Array) return Buffer.from(unit).toString('latin1');
    return typeof unit === 'string' ? unit : 'ns';
  }
}

/** numpy.ndarray: from _reconstruct + BUILD(state) or from _frombuffer(bytes, dtype, shape, order). */
export class NpArray {
  dtype: NpDtype | null = null;
  shape: number[] = [];
  fortran = false;
  /** Raw bytes for fixed-size dtypes, a list of Python objects for dtype object. */
  data: Uint8Array | unknown[] = [];
}
