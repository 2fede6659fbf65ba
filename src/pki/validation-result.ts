import type { ParsedCertificate } from './parsed-certificate';
import type { WorkingPublicKey } from './signature-verify';

/**
 * Why a certificate is not valid, in the words the UI, the CLI (`--json`) and the tests
 * use (issue 4). One word per cause so callers can branch on it.
 */
export type ValidationReason =
  | 'expired'
  | 'not-yet-valid'
  | 'revoked'
  | 'untrusted-root'
  | 'explicitly-untrusted'
  | 'bad-signature'
  | 'weak-algorithm'
  | 'unsupported-algorithm'
  | 'path-length'
  | 'name-constraints'
  | 'name-chaining'
  | 'policy'
  | 'wrong-usage'
  | 'revocation-unknown'
  | 'email-mismatch'
  | 'unknown-critical-extension'
  | 'invalid-ca'
  | 'malformed';

export interface ValidationIssue {
  readonly reason: ValidationReason;
  readonly message: string;
  /** Subject of the certificate the issue is about, when there is one. */
  readonly subject?: string;
}

export interface ValidationResult {
  readonly valid: boolean;
  /** The first error's reason when not valid. */
  readonly reason: ValidationReason | undefined;
  readonly errors: readonly ValidationIssue[];
  /** Problems that do not make the certificate unusable (B10 `checkCrl`: revocation-unknown). */
  readonly warnings: readonly ValidationIssue[];
  /** The validated path, trust anchor first is not included: issued-by-anchor first, target last. */
  readonly path: readonly ParsedCertificate[];
  /** The anchor the path ends at (its subject), when one was reached. */
  readonly anchorSubject: string | undefined;
  /** user-constrained-policy-set output of RFC 5280 §6.1.6. */
  readonly userConstrainedPolicySet: readonly string[];
  /**
   * working_public_key output of §6.1.6 when valid: the target's key with the DSA
   * parameters inherited along the path, which a DSA signature by it needs.
   */
  readonly workingPublicKey?: WorkingPublicKey;
}

export function issue(reason: ValidationReason, message: string, subject?: string): ValidationIssue {
  return subject === undefined ? { reason, message } : { reason, message, subject };
}
