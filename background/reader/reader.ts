import type { ReaderView, SignerValidationView } from '../../src/protocol/runtime';

/**
 * Who opened a message: results of one reader page or frame are not handed to another.
 * Extension pages share one owner; each secure frame is its own.
 */
export type SessionOwner = string;

/** Secure reader's work in the background: decrypt, verify, validate (B13, B15, B17). */
export interface Reader {
  open(message: Uint8Array, owner: SessionOwner): Promise<ReaderView>;
  validation(sessionId: string, owner: SessionOwner): Promise<SignerValidationView[]>;
  attachment(sessionId: string, index: number, owner: SessionOwner): Promise<Uint8Array>;
}
