/**
 * Whether a signer is good (B13): the one place this is decided. `cachet verify`,
 * `cachet open`, the background reader and the reader's banner all call it, so the words
 * they give for the same signer cannot drift apart.
 *
 * A signature that checks out is not yet a good signature for this message. In order, and
 * the first that fails names the status:
 * 1. the signature itself (`good`, or the CMS layer's word: bad-signature, digest-mismatch,
 *    weak, signing-time-mismatch when signingTime is more than an hour from the Date, …);
 * 2. the certificate, validated under RFC 5280 up to a trusted root with revocation (B9–B11)
 *    and allowed to sign e-mail (`wrong-usage` when its key usage or EKU forbid it,
 *    `untrusted` for every other reason, whose word is kept in `reason`);
 * 3. the author: an address of the certificate is the one mailbox of the From field
 *    (`from-mismatch`, a warning rather than a failure: the signature is sound, but it is
 *    someone else's).
 * While validation runs the verdict is `pending`.
 */
import type { AuthorMatch } from './author-match';

/** How a surface presents the verdict: a banner's colour, the CLI's exit status. */
export type VerdictTone = 'good' | 'warning' | 'bad' | 'pending';

/** What validation said, in the shape every surface has it (the background sends it as text). */
export interface ValidationFacts {
  readonly valid: boolean;
  /** The reason word (expired, revoked, untrusted-root, wrong-usage, …) when not valid. */
  readonly reason?: string | undefined;
  readonly errors: readonly (string | { readonly message: string })[];
}

export interface SignerFacts {
  readonly signature: { readonly status: string; readonly reason?: string | undefined };
  readonly authorMatch: Pick<AuthorMatch, 'matches'> & Partial<AuthorMatch>;
  /** Undefined while validation is still running. */
  readonly validation: ValidationFacts | undefined;
}

export interface SignerVerdict {
  /** good, pending, untrusted, wrong-usage, from-mismatch, or the signature's own word. */
  readonly status: string;
  readonly tone: VerdictTone;
  /** Why the status is not good, for people. */
  readonly reason?: string;
}

function firstError(validation: ValidationFacts): string {
  const first = validation.errors[0];
  if (first === undefined) return 'the certificate is not valid';
  return typeof first === 'string' ? first : first.message;
}

function mismatchReason(match: SignerFacts['authorMatch']): string {
  const addresses = match.certificateAddresses ?? [];
  const signer = addresses.length > 0 ? addresses.join(', ') : 'a certificate without an e-mail address';
  if (match.authorProblem !== undefined) return `signed by ${signer}, but ${match.authorProblem}`;
  return `signed by ${signer}, but the message is from ${match.author ?? 'someone else'}`;
}

export function signerVerdict(facts: SignerFacts): SignerVerdict {
  const { signature, validation, authorMatch } = facts;
  if (signature.status !== 'good') return { status: signature.status, tone: 'bad', reason: signature.reason ?? signature.status };
  if (validation === undefined) return { status: 'pending', tone: 'pending' };
  if (!validation.valid) {
    const word = validation.reason ?? 'invalid';
    return { status: word === 'wrong-usage' ? 'wrong-usage' : 'untrusted', tone: 'bad', reason: `${word}: ${firstError(validation)}` };
  }
  if (authorMatch.matches === false) return { status: 'from-mismatch', tone: 'warning', reason: mismatchReason(authorMatch) };
  return { status: 'good', tone: 'good' };
}
