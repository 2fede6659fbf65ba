/**
 * A small seeded generator, so that input number N of a run is the same input wherever and
 * whenever it is made again: a finding names its seed and index, and that is enough to
 * reproduce it.
 */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The generator for input `index` of a run with `seed` on target `target`. */
  static forInput(seed: number, target: string, index: number): Rng {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < target.length; i++) h = Math.imul(h ^ target.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ (index & 0xffffffff), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ Math.floor(index / 2 ** 32), 0xc2b2ae35) >>> 0;
    return new Rng(h);
  }

  /** mulberry32: 32 random bits. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n); 0 when n <= 0. */
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }

  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.below(items.length)] as T;
  }

  /** Small numbers far more often than large ones: most edits should be small. */
  small(max: number): number {
    return Math.min(max, Math.floor(2 ** (this.next() / 2 ** 32 * Math.log2(max + 1))));
  }
}
