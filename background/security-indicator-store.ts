/**
 * The personal security indicator (src/protocol/security-indicator.ts), kept in
 * storage.local. It is never empty: the first read draws one at random and keeps it, so
 * Cachet's frames show a phrase from the start, and the options page invites the user to
 * choose their own.
 */
import { checkSecurityIndicator, INDICATOR_COLOURS, INDICATOR_GLYPHS, type SecurityIndicator } from '../src/protocol/security-indicator';
import { INDICATOR_WORDS } from './indicator-words';
import type { StorageArea } from './storage-area';

/** storage.local key of the indicator. */
const storageKey = 'securityIndicator';

export interface SecurityIndicatorStore {
  /** The user's indicator, or the one drawn for them on first use. */
  get(): Promise<SecurityIndicator>;
  set(indicator: SecurityIndicator): Promise<SecurityIndicator>;
}

export type RandomBytes = (count: number) => Uint8Array;

/** An index below `n` (at most 256), equally likely each: bytes past the last whole multiple of `n` are drawn again. */
function uniformIndex(n: number, randomBytes: RandomBytes): number {
  const limit = 256 - (256 % n);
  for (;;) {
    const byte = randomBytes(1)[0] ?? limit;
    if (byte < limit) return byte % n;
  }
}

function pick<T>(items: readonly T[], randomBytes: RandomBytes): T {
  return items[uniformIndex(items.length, randomBytes)] as T;
}

/** Two words, a swatch and a letter, drawn with the platform's cryptographic randomness. */
export function randomIndicator(randomBytes: RandomBytes): SecurityIndicator {
  const letters = INDICATOR_GLYPHS.filter((g) => /^[A-Z]$/.test(g));
  return {
    phrase: `${pick(INDICATOR_WORDS, randomBytes)} ${pick(INDICATOR_WORDS, randomBytes)}`,
    colour: pick(INDICATOR_COLOURS, randomBytes),
    glyph: pick(letters, randomBytes),
  };
}

export function createSecurityIndicatorStore(storage: StorageArea, randomBytes: RandomBytes): SecurityIndicatorStore {
  // Frames opened together all ask on first use; they must all get the one indicator drawn.
  let drawing: Promise<SecurityIndicator> | undefined;

  async function readOrDraw(): Promise<SecurityIndicator> {
    const stored = (await storage.get(storageKey))[storageKey];
    try {
      return checkSecurityIndicator(stored);
    } catch {
      // Nothing stored yet (or something unreadable): draw one and keep it.
      const drawn = randomIndicator(randomBytes);
      await storage.set({ [storageKey]: drawn });
      return drawn;
    }
  }

  return {
    async get() {
      drawing ??= readOrDraw().finally(() => {
        drawing = undefined;
      });
      return drawing;
    },
    async set(indicator) {
      const checked = checkSecurityIndicator(indicator);
      await storage.set({ [storageKey]: checked });
      return checked;
    },
  };
}
