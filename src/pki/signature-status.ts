import { validateCertificate, type ValidationOptions } from './certificate-validator';
import { formatName } from './distinguished-name';
import { fromMatches, type FromMatch } from './from-match';
import { parseCertificate, type ParsedCertificate } from './parsed-certificate';
import { parseCrl, type ParsedCrl } from './parsed-crl';
import { issue, type ValidationResult } from './validation-result';

/**
 * The outcome of the cryptographic signature check for one signer, as the CMS layer
 * reports it (its `SignerVerification` has this shape): known as soon as the bytes are
 * hashed and the signature checked.
 */
export interface SignatureCheck {
  /** `good` or the CMS layer's word for what is wrong. */
  readonly status: string;
  /** DER of the signer's certificate, when the message or the store had it. */
  readonly certificate?: Uint8Array;
  readonly signingTime?: Date;
}

/**
 * B13 in two steps, explicit in the type: `signature` and `fromMatches` are there at once,
 * so the message and a provisional status can be shown; `validation` (path, revocation,
 * possibly network fetches) settles later and never rejects.
 */
export interface SignerStatus<S extends SignatureCheck = SignatureCheck> {
  readonly signature: S;
  readonly fromMatches: FromMatch;
  readonly validation: Promise<ValidationResult>;
}

export interface MessageContext {
  /** The From header of the message. */
  readonly from: string | undefined;
  /** Certificates and CRLs the message carries, DER as received. */
  readonly certificates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
}

export interface MessageValidationOptions extends ValidationOptions {
  /**
   * Validate at the signer's signingTime instead of now. Off by default: signingTime is
   * claimed by the signer, so it only serves archives with a trusted time source.
   */
  readonly atSigningTime?: boolean;
}

function tryParse<T>(items: readonly Uint8Array[], parse: (der: Uint8Array) => T): T[] {
  const out: T[] = [];
  for (const der of items) {
    try {
      out.push(parse(der));
    } catch {
      // A broken certificate or CRL in a message is skipped; validation says what is missing.
    }
  }
  return out;
}

function failed(message: string, reason: ValidationResult['reason'] = 'malformed', cert?: ParsedCertificate): ValidationResult {
  const problem = issue(reason ?? 'malformed', message, cert ? formatName(cert.subject) : undefined);
  return { valid: false, reason: problem.reason, errors: [problem], warnings: [], path: cert ? [cert] : [], anchorSubject: undefined, userConstrainedPolicySet: [] };
}

/** Starts validation of every signer and returns at once with the signature results (B13). */
export function verifyMessageSignatures<S extends SignatureCheck>(signers: readonly S[], message: MessageContext, options: MessageValidationOptions): SignerStatus<S>[] {
  const intermediates = [...(options.intermediates ?? []), ...tryParse(message.certificates, parseCertificate)];
  const crls: ParsedCrl[] = [...(options.crls ?? []), ...tryParse(message.crls, parseCrl)];
  return signers.map((signature) => {
    let cert: ParsedCertificate | undefined;
    try {
      cert = signature.certificate ? parseCertificate(signature.certificate) : undefined;
    } catch {
      cert = undefined;
    }
    let validation: Promise<ValidationResult>;
    if (!cert) validation = Promise.resolve(failed(signature.certificate ? 'the signer certificate cannot be decoded' : 'no signer certificate'));
    else {
      const time = options.atSigningTime && signature.signingTime ? signature.signingTime : options.time;
      const target = cert;
      validation = validateCertificate(target, { ...options, intermediates, crls, ...(time ? { time } : {}) })
        .catch((error: unknown) => failed(error instanceof Error ? error.message : 'validation failed', 'malformed', target));
    }
    return { signature, fromMatches: fromMatches(message.from, cert), validation };
  });
}
