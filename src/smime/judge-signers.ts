/**
 * Both steps of B13 for the signers of one signed layer, for surfaces that wait for the
 * whole answer (the command line, the tests): the signature and the author at once, then
 * the certificate through the validator the surface has (the CLI's options, or the
 * background's policy), and the verdict of signer-verdict.ts. The background reader takes
 * the same steps apart, so that the content can be shown before validation ends.
 */
import type { SignerVerification } from '../cms/signed-data-verify';
import type { SignedLayer } from '../cms/smime-verify';
import { parseCertificate, type ParsedCertificate } from '../pki/parsed-certificate';
import { issue, type ValidationResult } from '../pki/validation-result';
import { authorMatch, type AuthorMatch } from './author-match';
import type { MessageAuthor } from './message-author';
import { signerVerdict, type SignerVerdict } from './signer-verdict';

/** What the message gives for validating its signer: certificates and CRLs it carries. */
export interface SignerContext {
  readonly intermediates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
}

/**
 * RFC 5280 validation of a signer's certificate for signing e-mail, at the time the
 * surface chooses (now, unless the user asked for another). Never rejects.
 */
export type SignerValidator = (certificate: Uint8Array, context: SignerContext) => Promise<ValidationResult>;

export interface JudgedSigner {
  readonly signature: SignerVerification;
  readonly authorMatch: AuthorMatch;
  readonly validation: ValidationResult;
  readonly verdict: SignerVerdict;
  /** The certificate address that matched the author, else the certificate's first one. */
  readonly address: string | undefined;
}

function parsedOrNothing(der: Uint8Array | undefined): ParsedCertificate | undefined {
  if (!der) return undefined;
  try {
    return parseCertificate(der);
  } catch {
    return undefined;
  }
}

/** Step one: whether the signer is the author, known as soon as the signature is read. */
export function signerAuthorMatch(signature: Pick<SignerVerification, 'certificate'>, author: MessageAuthor | null): AuthorMatch {
  return authorMatch(author, parsedOrNothing(signature.certificate));
}

function notValidated(message: string): ValidationResult {
  const problem = issue('malformed', message);
  return { valid: false, reason: problem.reason, errors: [problem], warnings: [], path: [], anchorSubject: undefined, userConstrainedPolicySet: [] };
}

/** Step two: the certificate validated; a missing or broken one is not valid, never an exception. */
export async function validateSigner(signature: Pick<SignerVerification, 'certificate'>, context: SignerContext, validate: SignerValidator): Promise<ValidationResult> {
  if (!signature.certificate) return notValidated('the message does not carry the signer certificate');
  if (!parsedOrNothing(signature.certificate)) return notValidated('the signer certificate cannot be decoded');
  try {
    return await validate(signature.certificate, context);
  } catch (error) {
    return notValidated(error instanceof Error ? error.message : 'validation failed');
  }
}

/** `author` null: the layer came without the message's header fields (a bare smime.p7m). */
export async function judgeSigners(layer: SignedLayer, author: MessageAuthor | null, validate: SignerValidator): Promise<JudgedSigner[]> {
  const context: SignerContext = { intermediates: layer.verification?.certificates ?? [], crls: layer.verification?.crls ?? [] };
  const judged: JudgedSigner[] = [];
  for (const signature of layer.signers) {
    const match = signerAuthorMatch(signature, author);
    const validation = await validateSigner(signature, context, validate);
    const verdict = signerVerdict({ signature, authorMatch: match, validation });
    const matched = match.matches === true ? match.author : undefined;
    judged.push({ signature, authorMatch: match, validation, verdict, address: matched ?? match.certificateAddresses[0] });
  }
  return judged;
}
