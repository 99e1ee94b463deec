/** HyperLogLog (precision 12: 4,096 registers, ~1.6 % standard error) over strings, with FNV-1a 32-bit hashing. */
export class HyperLogLog {
  private static readonly P = 12;
  private static readonly M = 1 << HyperLogLog.P;
  readonly registers = new Uint8Array(HyperLogLog.M);

  add(text: string): void {
    const hash = HyperLogLog.hash(text);
    const index = hash >>> (32 - HyperLogLog.P);
    const rest = (hash << HyperLogLog.P) >>> 0;
    const rank = rest === 0 ? 32 - HyperLogLog.P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[index]) this.registers[index] = rank;
  }

  estimate(): number {
    const m = HyperLogLog.M;
    let sum = 0;
    let zeros = 0;
    for (const register of this.registers) {
      sum += 2 ** -register;
      if (register === 0) zeros += 1;
    }
    const raw = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
    // Small-range correction (linear counting) while registers are still empty.
    return Math.round(raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw);
  }

  private static hash(text: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    // Final avalanche (murmur3 fmix32): FNV's high bits alone are poorly mixed for short keys.
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    return hash >>> 0;
  }
}
