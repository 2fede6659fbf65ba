/**
 * What the user's private keys are being used for right now. A signing or decryption is
 * registered here for as long as it runs, by the one piece of the background that starts
 * it for a request made in a Cachet page (the composer for Send, the reader for opening a
 * message). The PIN page shows these purposes, so the user sees what the card will be
 * unlocked for; a PIN request while nothing is registered was started by nobody here and
 * is refused (pin-prompts.ts).
 */
import type { KeyUsePurpose } from '../src/protocol/runtime';

export interface KeyUses {
  /** Runs `work` with `purpose` registered; unregistered when it settles. */
  during<T>(purpose: KeyUsePurpose, work: () => Promise<T>): Promise<T>;
  /**
   * Registers `purpose` from now until the returned function is called: for work whose
   * key use starts partway through (a message read before its frame asked for it).
   */
  begin(purpose: KeyUsePurpose): () => void;
  current(): readonly KeyUsePurpose[];
}

export function createKeyUses(): KeyUses {
  const running = new Map<symbol, KeyUsePurpose>();
  function begin(purpose: KeyUsePurpose): () => void {
    const key = Symbol('key use');
    running.set(key, purpose);
    return () => running.delete(key);
  }
  return {
    async during(purpose, work) {
      const end = begin(purpose);
      try {
        return await work();
      } finally {
        end();
      }
    },
    begin,
    current: () => [...running.values()],
  };
}
