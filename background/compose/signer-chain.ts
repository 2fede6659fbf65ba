/**
 * B18 with `includeCertificateChain`: the host lists leaf certificates only, so the
 * intermediates of the sender's own certificate are found the way validation finds them
 * (trusted roots, AIA caIssuers) and sent along, never the root. A path that does not
 * validate still gives what it found: the intermediates help correspondents all the same.
 */
import type { CertificateValidation } from '../pki/certificate-validation';

export async function signerChain(validation: CertificateValidation, certificate: Uint8Array, now: Date): Promise<Uint8Array[]> {
  const result = await validation.validate(certificate, { purpose: 'sign', time: now });
  // The path runs from the certificate the anchor issued to the target; the target is the signer.
  return result.path.slice(0, -1).map((cert) => cert.der);
}
