/**
 * Keeps a token logged in for a configured time after the PIN was given, so a burst of
 * operations asks once; then logs out. The PIN itself is never kept: the token's login
 * state is the cache. Zero seconds means log out after every operation.
 */
export class LoginCache {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(readonly seconds: number) {}

  /** Starts the clock for a fresh login; `logout` runs when it expires. */
  started(tokenKey: string, logout: () => void): void {
    this.forget(tokenKey);
    if (this.seconds <= 0) return;
    const timer = setTimeout(() => {
      this.#timers.delete(tokenKey);
      logout();
    }, this.seconds * 1000);
    // An idle login must not keep the host alive after the browser goes away.
    timer.unref();
    this.#timers.set(tokenKey, timer);
  }

  forget(tokenKey: string): void {
    const timer = this.#timers.get(tokenKey);
    if (timer) clearTimeout(timer);
    this.#timers.delete(tokenKey);
  }

  forgetAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
