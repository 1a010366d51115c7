/**
 * Approximate distinct counting in fixed memory (HyperLogLog, 2^12 registers, ~1.6% error), so
 * "how many different names failed" stays bounded however many distinct names a log holds.
 */
const P = 12;
const M = 1 << P;

/** Where an FNV-1a hash starts. */
export const FNV_START = 0x811c9dc5;

/** FNV-1a over the characters of `s`, continuing from `h`. */
export function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** FNV-1a over b[start..end), continuing from `h`: the same as over their latin1 string. */
export function fnvBytes(h: number, b: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i] ?? 0), 0x01000193);
  return h;
}

/** Final avalanche (murmur3 fmix32) so the low bits used for the register index are well mixed. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class DistinctCounter {
  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    this.registers = registers && registers.length === M ? registers : new Uint8Array(M);
  }

  /** Folds another counter in: the union's estimate (registers take the maximum). */
  merge(other: Uint8Array): void {
    for (let i = 0; i < M; i++)
      if ((other[i] ?? 0) > (this.registers[i] ?? 0)) this.registers[i] = other[i] ?? 0;
  }

  add(value: string): void {
    this.addHash(fnvString(FNV_START, value));
  }

  /** Adds a value by its FNV-1a hash (`fnvString`, `fnvBytes`): no need to make its string. */
  addHash(fnv: number): void {
    const h = fmix(fnv);
    const index = h & (M - 1);
    const rest = h >>> P;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) - P + 1;
    if (rank > (this.registers[index] ?? 0)) this.registers[index] = rank;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    const raw = (alpha * M * M) / sum;
    // Small-range correction: linear counting is exact-ish while registers are still empty.
    return Math.round(raw <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : raw);
  }
}
