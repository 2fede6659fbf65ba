/** Builds software key operators from command-line style inputs (PEM files or PKCS#12). */
import { X509Certificate } from 'node:crypto';
import { CachetError } from '../../src/errors';
import { loadPkcs12 } from './load-pkcs12';
import { loadPrivateKey } from './load-private-key';
import { looksLikePem, readPemCertificates } from './pem';
import { SoftwareKeyOperator } from './software-key-operator';

export interface SoftwareKeySources {
  /** PEM or DER certificate; with `keyPem`. */
  readonly certPem?: Uint8Array | string;
  /** PEM or DER private key (may also hold the certificate, as OpenSSL's test files do). */
  readonly keyPem?: Uint8Array | string;
  readonly p12?: Uint8Array;
  /** Password of the PKCS#12 file or of an encrypted private key. */
  readonly password?: string;
}

function certificatesOf(data: Uint8Array | string): Uint8Array[] {
  if (looksLikePem(data)) return readPemCertificates(data);
  if (typeof data === 'string') return [];
  return [data];
}

export function loadSoftwareKeyOperators(sources: SoftwareKeySources): SoftwareKeyOperator[] {
  const operators: SoftwareKeyOperator[] = [];
  if (sources.p12) {
    for (const identity of loadPkcs12(sources.p12, sources.password ?? '').identities) {
      operators.push(new SoftwareKeyOperator(identity.key, identity.certificate));
    }
    if (operators.length === 0) throw new CachetError('key/unavailable', 'the PKCS#12 file holds no key with its certificate');
  }
  if (sources.keyPem !== undefined) {
    const key = loadPrivateKey(sources.keyPem, sources.password);
    const candidates = [
      ...(sources.certPem !== undefined ? certificatesOf(sources.certPem) : []),
      ...certificatesOf(sources.keyPem),
    ];
    if (candidates.length === 0) throw new CachetError('key/unavailable', 'a certificate is needed with the private key');
    // Take the certificate that belongs to the key; a bundle may carry its issuers too.
    const match = candidates.find((der) => {
      try {
        return new X509Certificate(der).checkPrivateKey(key);
      } catch {
        return false;
      }
    });
    if (!match) throw new CachetError('key/unavailable', 'the private key does not belong to the given certificate');
    operators.push(new SoftwareKeyOperator(key, match));
  } else if (sources.certPem !== undefined) {
    throw new CachetError('key/unavailable', 'a private key is needed with the certificate');
  }
  return operators;
}
