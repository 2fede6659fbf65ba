/**
 * Secure reader frames a content script asked for (DESIGN.md invariant 1): the content
 * script names a message id and gets an extension URL to frame; the reader in that frame
 * redeems the one-time token for the id. The page only ever holds the opaque token.
 */
import { CachetError } from '../src/errors';

interface Pending {
  readonly tabId: number;
  readonly messageId: string;
  /** The raw message as the content script gave it: ciphertext or signed data. */
  readonly source: Uint8Array;
}

export interface RedeemedFrame {
  readonly messageId: string;
  readonly source: Uint8Array;
}

/** Bounds memory if a page keeps asking; old unredeemed tokens are dropped first. */
const maxPending = 64;

export interface ReaderFrames {
  open(tabId: number, messageId: string, source: Uint8Array): string;
  /** One-time: the token is gone after this; the tab must be the one that asked. */
  redeem(token: string, tabId: number): RedeemedFrame;
}

export function createReaderFrames(readerUrl: string, randomToken: () => string): ReaderFrames {
  const pending = new Map<string, Pending>();
  return {
    open(tabId, messageId, source) {
      const token = randomToken();
      pending.set(token, { tabId, messageId, source });
      while (pending.size > maxPending) {
        const oldest = pending.keys().next().value;
        if (oldest === undefined) break;
        pending.delete(oldest);
      }
      return `${readerUrl}#${token}`;
    },
    redeem(token, tabId) {
      const entry = pending.get(token);
      pending.delete(token);
      if (entry === undefined || entry.tabId !== tabId) throw new CachetError('runtime/forbidden', 'unknown reader frame');
      return { messageId: entry.messageId, source: entry.source };
    },
  };
}
