import { readerError } from '../reader-error.js';
import { buildObject, callGlobal, resolveGlobal } from './globals.js';
import { PyTuple, tuple } from './objects.js';
import { OPCODE_NAMES } from './opcodes.js';
import { decodeFloatText, decodeLong, decodeRawUnicodeEscape, decodeStringRepr, toIntegerValue } from './text-literals.js';

/**
 * A pickle virtual machine for protocols 0-5 that only builds data. Globals go through an
 * allow-list (globals.ts) and come back as inert markers; REDUCE / NEWOBJ / BUILD on them
 * build records, never run anything. Dicts are Maps, so keys like "__proto__" are plain keys.
 */
export function unpickle(data: Buffer): unknown {
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  let at = 0;
  let op = 0;

  const where = () => `Pickle byte offset ${at} (opcode ${OPCODE_NAMES[op] ?? `0x${op.toString(16)}`})`;
  const fail = (code: string, message: string) => readerError(code, `${where()}: ${message}`, { offset: at, opcode: OPCODE_NAMES[op] });
  const truncated = () => readerError('PICKLE_TRUNCATED', `${where()}: the pickle ends early (it has ${data.length} bytes): the file is truncated or not a complete pickle.`, { offset: at });
  const take = (n: number): Buffer => {
    if (n < 0 || pos + n > data.length) throw truncated();
    const bytes = data.subarray(pos, pos + n);
    pos += n;
    return bytes;
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end === -1) throw truncated();
    const text = data.toString('latin1', pos, end);
    pos = end + 1;
    return text;
  };
  const u8 = () => take(1)[0];
  const u16 = () => take(2).readUInt16LE(0);
  const u32 = () => take(4).readUInt32LE(0);
  const u64 = (): number => {
    const value = take(8).readBigUInt64LE(0);
    if (value > BigInt(data.length)) throw truncated();
    return Number(value);
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) throw fail('PICKLE_CORRUPT', 'the stack is empty: the pickle is corrupt.');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw fail('PICKLE_CORRUPT', 'the stack is empty: the pickle is corrupt.');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) throw fail('PICKLE_CORRUPT', 'no MARK to pop to: the pickle is corrupt.');
    return stack.splice(mark);
  };
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) throw fail('PICKLE_CORRUPT', `memo entry ${index} was never stored.`);
    return memo.get(index);
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw fail('PICKLE_CORRUPT', 'SETITEM(S) on something that is not a dict.');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[]) => {
    if (!Array.isArray(target) || target instanceof PyTuple) throw fail('PICKLE_CORRUPT', 'APPEND(S) on something that is not a list.');
    for (const item of items) target.push(item);
  };
  const call = (callable: unknown, args: unknown, kind: 'call' | 'new') => {
    if (!Array.isArray(args)) throw fail('PICKLE_CORRUPT', 'the arguments are not a tuple.');
    try {
      return callGlobal(callable, args, kind);
    } catch (error) {
      throw error instanceof Error && 'status' in error ? error : fail('PICKLE_UNSUPPORTED', (error as Error).message);
    }
  };
  const global = (module: string, name: string) => {
    const resolved = resolveGlobal(module, name);
    if (!resolved) {
      throw fail('PICKLE_FORBIDDEN_GLOBAL', `the pickle asks for ${module}.${name}, which is not on the allow-list of data types (pandas, numpy, datetime, decimal, collections). Nothing was executed; re-save the data as a plain DataFrame, list or dict.`);
    }
    return resolved;
  };

  for (;;) {
    if (pos >= data.length) throw truncated();
    at = pos;
    op = data[pos++];
    switch (op) {
      case 0x80: if (u8() > 5) throw fail('PICKLE_UNSUPPORTED', 'pickle protocol above 5.'); break;
      case 0x95: take(8); break; // FRAME: a hint for buffered readers only
      case 0x2e: return pop(); // STOP
      case 0x28: marks.push(stack.length); break;
      case 0x30: if (marks.length > 0 && marks[marks.length - 1] === stack.length) marks.pop(); else pop(); break;
      case 0x31: popMark(); break;
      case 0x32: stack.push(top()); break;
      case 0x4e: stack.push(null); break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x49: { const text = line().trim(); stack.push(text === '00' ? false : text === '01' ? true : toIntegerValue(BigInt(text))); break; }
      case 0x4c: stack.push(toIntegerValue(BigInt(line().trim().replace(/L$/, '')))); break;
      case 0x4a: stack.push(take(4).readInt32LE(0)); break;
      case 0x4b: stack.push(u8()); break;
      case 0x4d: stack.push(u16()); break;
      case 0x8a: stack.push(decodeLong(take(u8()))); break;
      case 0x8b: stack.push(decodeLong(take(take(4).readInt32LE(0)))); break;
      case 0x46: stack.push(decodeFloatText(line())); break;
      case 0x47: stack.push(take(8).readDoubleBE(0)); break;
      case 0x53: { const text = decodeStringRepr(line().trim()); if (text === null) throw fail('PICKLE_CORRUPT', 'STRING argument is not quoted.'); stack.push(text); break; }
      case 0x54: stack.push(take(take(4).readInt32LE(0)).toString('latin1')); break;
      case 0x55: stack.push(take(u8()).toString('latin1')); break;
      case 0x56: { const end = data.indexOf(0x0a, pos); if (end === -1) throw truncated(); stack.push(decodeRawUnicodeEscape(data.subarray(pos, end))); pos = end + 1; break; }
      case 0x58: stack.push(take(u32()).toString('utf8')); break;
      case 0x8c: stack.push(take(u8()).toString('utf8')); break;
      case 0x8d: stack.push(take(u64()).toString('utf8')); break;
      case 0x42: stack.push(new Uint8Array(take(u32()))); break;
      case 0x43: stack.push(new Uint8Array(take(u8()))); break;
      case 0x8e: case 0x96: stack.push(new Uint8Array(take(u64()))); break;
      case 0x98: break; // READONLY_BUFFER: mutability does not matter here
      case 0x97: throw fail('PICKLE_UNSUPPORTED', 'out-of-band buffers (pickle protocol 5 buffer_callback) are not in the file; pickle without buffer_callback.');
      case 0x29: stack.push(tuple([])); break;
      case 0x74: stack.push(tuple(popMark())); break;
      case 0x85: stack.push(tuple([pop()])); break;
      case 0x86: { const b = pop(); stack.push(tuple([pop(), b])); break; }
      case 0x87: { const c = pop(); const b = pop(); stack.push(tuple([pop(), b, c])); break; }
      case 0x5d: stack.push([]); break;
      case 0x6c: stack.push(popMark()); break;
      case 0x61: { const item = pop(); appendItems(top(), [item]); break; }
      case 0x65: { const items = popMark(); appendItems(top(), items); break; }
      case 0x7d: stack.push(new Map()); break;
      case 0x64: { const map = new Map(); setItems(map, popMark()); stack.push(map); break; }
      case 0x73: { const value = pop(); const key = pop(); setItems(top(), [key, value]); break; }
      case 0x75: { const items = popMark(); setItems(top(), items); break; }
      case 0x8f: stack.push(new Set()); break;
      case 0x90: { const items = popMark(); const set = top(); if (!(set instanceof Set)) throw fail('PICKLE_CORRUPT', 'ADDITEMS on something that is not a set.'); items.forEach((item) => set.add(item)); break; }
      case 0x91: stack.push(new Set(popMark())); break;
      case 0x67: stack.push(memoGet(Number(line()))); break;
      case 0x68: stack.push(memoGet(u8())); break;
      case 0x6a: stack.push(memoGet(u32())); break;
      case 0x70: memo.set(Number(line()), top()); break;
      case 0x71: memo.set(u8(), top()); break;
      case 0x72: memo.set(u32(), top()); break;
      case 0x94: memo.set(memo.size, top()); break;
      case 0x63: { const module = line(); stack.push(global(module, line())); break; }
      case 0x93: { const name = pop(); const module = pop(); stack.push(global(String(module), String(name))); break; }
      case 0x69: { const module = line(); const cls = global(module, line()); stack.push(call(cls, popMark(), 'new')); break; }
      case 0x6f: { const [cls, ...args] = popMark(); stack.push(call(cls, args, 'new')); break; }
      case 0x52: { const args = pop(); stack.push(call(pop(), args, 'call')); break; }
      case 0x81: { const args = pop(); stack.push(call(pop(), args, 'new')); break; }
      case 0x92: { pop(); const args = pop(); stack.push(call(pop(), args, 'new')); break; }
      case 0x62: { const state = pop(); try { buildObject(top(), state); } catch (error) { throw fail('PICKLE_UNSUPPORTED', (error as Error).message); } break; }
      case 0x50: case 0x51: throw fail('PICKLE_UNSUPPORTED', 'persistent ids refer to objects outside the file; they are not supported.');
      case 0x82: case 0x83: case 0x84: throw fail('PICKLE_UNSUPPORTED', 'extension registry codes (copyreg.add_extension) are not supported.');
      default: throw fail('PICKLE_CORRUPT', `unknown opcode 0x${op.toString(16).padStart(2, '0')}: this is not a valid pickle.`);
    }
  }
}
