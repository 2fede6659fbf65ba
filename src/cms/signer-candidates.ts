/**
 * The certificates a SignedData's signers are looked for in (RFC 5652 §5.3: those of the
 * message, and any the caller adds), each parsed by PKI.js only once a lookup needs it. A
 * message carries its signer's certificate beside the chain, and building a PKI.js
 * Certificate takes about a millisecond, several in a process that has just started.
 */
import { readTlv } from '../pki/der';
import { parseCertificate, type ParsedCertificate } from './certificate-fields';
import { readCertificateParts, subjectKeyIdentifierOf } from './certificate-parts';
import { bytesEqual, digest } from './digest';

export class SignerCandidate {
  private parsed: ParsedCertificate | null | undefined;
  private serial: Uint8Array | null | undefined;
  private keyId: Promise<Uint8Array | null> | undefined;

  constructor(readonly der: Uint8Array) {}

  /** The PKI.js model, or undefined for an encoding that is no certificate. */
  get certificate(): ParsedCertificate | undefined {
    if (this.parsed === undefined) this.parsed = parseCertificate(this.der) ?? null;
    return this.parsed ?? undefined;
  }

  /**
   * False only when the serialNumber's contents, read with the bounded DER reader, differ
   * from `contents`: the certificate cannot then be the one an IssuerAndSerialNumber names,
   * since the PKI.js comparison needs the same contents too. Otherwise the full comparison
   * decides.
   */
  mayHaveSerial(contents: Uint8Array): boolean {
    if (this.serial === undefined) {
      try {
        this.serial = readTlv(readCertificateParts(this.der, 'certificate').serialNumber).value;
      } catch {
        this.serial = null;
      }
    }
    return this.serial === null || bytesEqual(this.serial, contents);
  }

  /**
   * The key identifier a SignerIdentifier's subjectKeyIdentifier choice names this
   * certificate by: its subjectKeyIdentifier extension, or else the SHA-1 of its public
   * key bits (RFC 5280 §4.2.1.2, method 1). Null for an encoding the bounded reader
   * refuses, which PKI.js is then never asked to build: a message can carry up to a
   * thousand junk certificates beside a signer named by key identifier.
   */
  keyIdentifier(subtle: SubtleCrypto): Promise<Uint8Array | null> {
    this.keyId ??= (async () => {
      let parts;
      try {
        parts = readCertificateParts(this.der, 'certificate');
        const extension = subjectKeyIdentifierOf(parts);
        if (extension) return extension;
      } catch {
        return null;
      }
      return digest(subtle, 'SHA-1', parts.publicKey);
    })();
    return this.keyId;
  }
}

/** The candidates that parse as certificates, in order: all of them parsed. */
export function parsedCandidates(candidates: readonly SignerCandidate[]): ParsedCertificate[] {
  return candidates.flatMap((candidate) => candidate.certificate ?? []);
}
