/**
 * Secure reader frames a content script asked for (DESIGN.md invariant 1): the content
 * script names a message id and gets an extension URL to frame; the reader in that frame
 * redeems the one-time token for the message. The page only ever holds the opaque token.
 */
import { CachetError } from '../src/errors';

/** What a frame's token stands for: the message as the content script gave it, its read begun. */
export interface FramedMessage {
  /** Told when the token is dropped unredeemed, or burnt by another tab's frame. */
  drop(): void;
}

interface Pending<M extends FramedMessage> {
  readonly tabId: number;
  readonly messageId: string;
  readonly message: M;
}

export interface RedeemedFrame<M extends FramedMessage> {
  readonly messageId: string;
  readonly message: M;
}

/** Bounds memory if a page keeps asking; old unredeemed tokens are dropped first. */
const maxPending = 64;

export interface ReaderFrames<M extends FramedMessage> {
  open(tabId: number, messageId: string, message: M): string;
  /** One-time: the token is gone after this; the tab must be the one that asked. */
  redeem(token: string, tabId: number): RedeemedFrame<M>;
}

export function createReaderFrames<M extends FramedMessage>(readerUrl: string, randomToken: () => string): ReaderFrames<M> {
  const pending = new Map<string, Pending<M>>();
  return {
    open(tabId, messageId, message) {
      const token = randomToken();
      pending.set(token, { tabId, messageId, message });
      while (pending.size > maxPending) {
        const [oldest] = pending;
        if (oldest === undefined) break;
        pending.delete(oldest[0]);
        oldest[1].message.drop();
      }
      return `${readerUrl}#${token}`;
    },
    redeem(token, tabId) {
      const entry = pending.get(token);
      pending.delete(token);
      if (entry === undefined) throw new CachetError('runtime/forbidden', 'unknown reader frame');
      if (entry.tabId !== tabId) {
        entry.message.drop();
        throw new CachetError('runtime/forbidden', 'unknown reader frame');
      }
      return { messageId: entry.messageId, message: entry.message };
    },
  };
}
