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
  current(): readonly KeyUsePurpose[];
}

export function createKeyUses(): KeyUses {
  const running = new Map<symbol, KeyUsePurpose>();
  return {
    async during(purpose, work) {
      const key = Symbol('key use');
      running.set(key, purpose);
      try {
        return await work();
      } finally {
        running.delete(key);
      }
    },
    current: () => [...running.values()],
  };
}
