/**
 * The three private-key operations on a key from the Cachet key store, through the
 * software key operator (RSA v1.5 unwrapping with implicit rejection, OAEP, ECDSA, ECDH).
 * Requests are checked here first so that they fail with the same codes as on a token:
 * a request that does not fit the key is input/invalid, before the key is touched.
 */
import { ECDH } from 'node:crypto';
import { CachetError } from '../../src/errors';
import type { KeyTransportScheme, NamedCurve } from '../../src/cms/key-operator';
import type { WireKeyTransportScheme, WireSignatureScheme } from '../../src/protocol/native';
import type { SoftwareKeyOperator } from '../keys/software-key-operator';
import type { CertificateInfo } from './certificate-info';
import { checkDigestLength } from './digest-info';

const NODE_CURVE: Readonly<Record<NamedCurve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

export function signWithStoredKey(operator: SoftwareKeyOperator, info: CertificateInfo, digest: Buffer, scheme: WireSignatureScheme): Promise<Uint8Array> {
  checkDigestLength(digest, scheme.hash);
  const needs = scheme.name === 'ECDSA' ? 'EC' : 'RSA';
  if (info.keyType !== needs) throw new CachetError('input/invalid', `${scheme.name} needs an ${needs} key`);
  return operator.sign(digest, scheme);
}

function transportScheme(scheme: WireKeyTransportScheme): KeyTransportScheme {
  if (scheme.name === 'RSAES-PKCS1-v1_5') return scheme;
  return {
    name: 'RSA-OAEP', hash: scheme.hash,
    ...(scheme.label === undefined ? {} : { label: new Uint8Array(Buffer.from(scheme.label, 'base64')) }),
    ...(scheme.mgf1Hash === undefined ? {} : { mgf1Hash: scheme.mgf1Hash }),
  };
}

/**
 * v1.5 never fails on bad padding: the operator returns a key derived from the ciphertext
 * and the private key instead (implicit rejection), and the content decryption fails later,
 * so this host cannot be used as a Bleichenbacher or Marvin padding oracle.
 */
export function unwrapWithStoredKey(operator: SoftwareKeyOperator, info: CertificateInfo, wrapped: Buffer, scheme: WireKeyTransportScheme): Promise<Uint8Array> {
  if (info.keyType !== 'RSA') throw new CachetError('input/invalid', 'key transport needs an RSA key');
  if (wrapped.length !== info.keyBytes) throw new CachetError('input/invalid', `wrapped key has ${wrapped.length} bytes; the modulus has ${info.keyBytes}`);
  return operator.decryptKey(wrapped, transportScheme(scheme));
}

export function deriveWithStoredKey(operator: SoftwareKeyOperator, info: CertificateInfo, point: Buffer, curve: NamedCurve): Promise<Uint8Array> {
  if (info.keyType !== 'EC' || info.curve !== curve) throw new CachetError('input/invalid', `the key is not on ${curve}`);
  const uncompressed = point.length === 1 + 2 * info.keyBytes && point[0] === 0x04;
  let onCurve: boolean;
  try {
    // Refuses points off the curve (invalid-curve attacks) with the code a token gives.
    onCurve = uncompressed && ECDH.convertKey(point, NODE_CURVE[curve]).length > 0;
  } catch {
    onCurve = false;
  }
  if (!onCurve) throw new CachetError('input/invalid', `the public point must be uncompressed and on ${curve}`);
  return operator.deriveSharedSecret(point, curve);
}
