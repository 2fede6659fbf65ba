/**
 * Whether a signer is the author the message names (B1 comparison, B13). A good signature
 * by someone else is not "signed by the sender", so this is reported beside the signature
 * and validation results, never folded into them.
 */
import { certificateAddresses } from '../pki/certificate-model';
import { addressesEqual } from '../pki/email-address';
import type { ParsedCertificate } from '../pki/parsed-certificate';
import type { MessageAuthor } from './message-author';

export interface AuthorMatch {
  /** null: nothing to compare with, as for a bare smime.p7m that came without header fields. */
  readonly matches: boolean | null;
  /** The author's address, when the message names exactly one. */
  readonly author: string | undefined;
  /** Why the message names no single author (several From fields, several mailboxes, none). */
  readonly authorProblem?: string;
  /** The certificate addresses the author was compared with. */
  readonly certificateAddresses: readonly string[];
}

/** `author` null: the signed content came without the message's header fields. */
export function authorMatch(author: MessageAuthor | null, cert: ParsedCertificate | undefined): AuthorMatch {
  const addresses = cert ? certificateAddresses(cert).map((a) => a.address) : [];
  if (author === null) return { matches: null, author: undefined, certificateAddresses: addresses };
  if (author.kind !== 'mailbox') return { matches: false, author: undefined, authorProblem: author.problem, certificateAddresses: addresses };
  return { matches: addresses.some((a) => addressesEqual(a, author.address)), author: author.address, certificateAddresses: addresses };
}
