/**
 * Bounds the work a flood of requests can start: at most `maxActive` run at once and at
 * most `maxQueued` wait; anything beyond is refused at once with `native/busy`, so a flood
 * costs memory in proportion to the limits and every request still gets an answer.
 */
import { CachetError } from '../../src/errors';

export class Limiter {
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(private readonly maxActive: number, private readonly maxQueued: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.maxActive) {
      if (this.#queue.length >= this.maxQueued) throw new CachetError('native/busy', 'too many requests waiting; try again');
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.#queue.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
