/** Decoders for the text arguments of protocol 0 opcodes (STRING, UNICODE, INT, LONG, FLOAT). */

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** A Python 2 str repr such as 'it\'s' or "a\x00b" (STRING opcode). */
export function decodeStringRepr(repr: string): string | null {
  const quote = repr[0];
  if ((quote !== "'" && quote !== '"') || repr[repr.length - 1] !== quote || repr.length < 2) return null;
  return repr.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_match, escape: string) => {
    if (escape[0] === 'x') return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(parseInt(escape, 8));
    return SIMPLE_ESCAPES[escape] ?? `\\${escape}`;
  });
}

/** raw-unicode-escape text (UNICODE opcode): latin-1 bytes with \uXXXX and \UXXXXXXXX escapes. */
export function decodeRawUnicodeEscape(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, short?: string, long?: string) => String.fromCodePoint(parseInt(short ?? long ?? '0', 16)));
}

export function toIntegerValue(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Little-endian two's-complement bytes of any length (LONG1 / LONG4). */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return toIntegerValue(value);
}

export function decodeFloatText(text: string): number {
  const lower = text.trim().toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return Number(lower === 'nan' ? NaN : lower);
}
