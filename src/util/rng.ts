// A small seeded random number generator (sfc32), the only source of randomness in the engine.
// Its state is four 32-bit words, saved in checkpoints so that a resumed run draws on where it
// stopped. Not for cryptography.

export class Rng {
  private s: Uint32Array; // (4)

  constructor(seed: number | number[]) {
    if (Array.isArray(seed)) {
      this.s = Uint32Array.from(seed);
    } else {
      this.s = Uint32Array.of(0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0);
      for (let i = 0; i < 12; i++) this.nextUint32(); // mix the seed through the state
    }
  }

  nextUint32(): number {
    const s = this.s;
    const t = (((s[0] + s[1]) >>> 0) + s[3]) >>> 0;
    s[3] = (s[3] + 1) >>> 0;
    s[0] = s[1] ^ (s[1] >>> 9);
    s[1] = (s[2] + (s[2] << 3)) >>> 0;
    s[2] = ((s[2] << 21) | (s[2] >>> 11)) >>> 0;
    s[2] = (s[2] + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  state(): number[] {
    return Array.from(this.s);
  }
}
