/**
 * The `--trust` check of `cachet verify`: a signer is trusted when a chain of issuer name
 * matches and signature checks leads from its certificate, through the certificates the
 * message carries, to one of the given trust anchors. Validity periods, key usage,
 * revocation and the rest of RFC 5280 path validation belong to the PKI layer, which
 * plugs in through the same `validateSigner` hook.
 */
import { X509Certificate } from 'node:crypto';

export interface SignerToValidate {
  /** DER of the signer's certificate. */
  readonly certificate: Uint8Array;
  /** Every certificate the message carries (intermediates), DER. */
  readonly messageCertificates: readonly Uint8Array[];
  /** Every CRL the message carries, DER. */
  readonly crls: readonly Uint8Array[];
  readonly signingTime?: Date;
}

export interface SignerValidation {
  readonly trusted: boolean;
  readonly reason?: string;
}

export type ValidateSigner = (signer: SignerToValidate) => Promise<SignerValidation>;

const MAX_CHAIN = 8;

function parse(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function anchorTrust(anchors: readonly Uint8Array[]): ValidateSigner {
  const trusted = anchors.map(parse).filter((c): c is X509Certificate => c !== undefined);
  return (signer) => {
    let current = parse(signer.certificate);
    if (!current) return Promise.resolve({ trusted: false, reason: 'the signer certificate cannot be parsed' });
    const pool = signer.messageCertificates.map(parse).filter((c): c is X509Certificate => c !== undefined);
    for (let depth = 0; depth < MAX_CHAIN && current; depth++) {
      const cert: X509Certificate = current;
      if (trusted.some((anchor) => anchor.raw.equals(cert.raw) || issuedBy(cert, anchor))) return Promise.resolve({ trusted: true });
      current = pool.find((candidate) => !candidate.raw.equals(cert.raw) && issuedBy(cert, candidate));
    }
    return Promise.resolve({ trusted: false, reason: 'no chain to a trusted certificate' });
  };
}
