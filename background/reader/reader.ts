import type { ReaderView, SignerValidationView } from '../../src/protocol/runtime';

/**
 * Who opened a message: results of one reader page or frame are not handed to another.
 * Extension pages share one owner; each secure frame is its own.
 */
export type SessionOwner = string;

/** A message handed to a reader frame that has not asked for it yet. */
export interface PendingRead {
  /** The frame asked: only now may the key be used, and what is shown is the frame's. */
  open(owner: SessionOwner): Promise<ReaderView>;
  /** No frame will ask: whatever was started is given up, before any key use. */
  drop(): void;
}

/** Secure reader's work in the background: decrypt, verify, validate (B13, B15, B17). */
export interface Reader {
  open(message: Uint8Array, owner: SessionOwner): Promise<ReaderView>;
  /**
   * Starts reading a small message for a frame still loading: parsing and the checks of
   * signatures outside the encryption, which need no key. Decryption waits for `open`.
   */
  prepare(message: Uint8Array): PendingRead;
  validation(sessionId: string, owner: SessionOwner): Promise<SignerValidationView[]>;
  attachment(sessionId: string, index: number, owner: SessionOwner): Promise<Uint8Array>;
}
