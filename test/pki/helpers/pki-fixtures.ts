import { webcrypto } from 'node:crypto';

import { SignatureVerifier } from '../../../src/pki/signature-verify';

/** A verifier over Node's WebCrypto, SHA-1 allowed as for certificate paths. */
export function nodeVerifier(): SignatureVerifier {
  return new SignatureVerifier(webcrypto as unknown as Crypto, { allowSha1: true });
}

/** openssl issues certificates valid from "now"; validating a minute later avoids the boundary. */
export function soon(): Date {
  return new Date(Date.now() + 60_000);
}
