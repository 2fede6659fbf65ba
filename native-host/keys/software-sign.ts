/**
 * Signing a precomputed digest with a software private key (a node KeyObject), for the
 * software KeyOperator. Node signs messages, not digests, so each scheme is assembled
 * here from the raw primitives:
 *  - RSASSA-PKCS1-v1_5: DigestInfo (RFC 8017 §9.2) under block type 1 padding.
 *  - RSASSA-PSS: EMSA-PSS-ENCODE (RFC 8017 §9.1.1) then the raw RSA private operation.
 *  - ECDSA: @noble/curves with the digest as the message (no prehash) and RFC 6979
 *    deterministic nonces, DER-encoded as CMS carries it (RFC 5753 §3.1).
 */
import { constants, createHash, createPrivateKey, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import * as asn1js from 'asn1js';
import { CachetError } from '../../src/errors';
import type { HashName, SignatureScheme } from '../../src/cms/key-operator';
import { HASH_LENGTHS } from '../../src/cms/oids';
import { NODE_HASH } from './node-hash-names';

/** DER of DigestInfo up to the digest octets, per hash (RFC 8017 §9.2, note 1). */
const DIGEST_INFO_PREFIX: Readonly<Record<HashName, string>> = {
  'SHA-1': '3021300906052b0e03021a05000414',
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

const CURVES = {
  prime256v1: { ecdsa: p256, size: 32 },
  secp384r1: { ecdsa: p384, size: 48 },
  secp521r1: { ecdsa: p521, size: 66 },
} as const;

function checkDigest(digest: Uint8Array, hash: HashName): void {
  if (digest.length !== HASH_LENGTHS[hash]) {
    throw new CachetError('input/invalid', `a ${hash} digest is ${HASH_LENGTHS[hash]} bytes, got ${digest.length}`);
  }
}

function signPkcs1(key: KeyObject, digest: Uint8Array, hash: HashName): Uint8Array {
  const digestInfo = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[hash], 'hex'), digest]);
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo));
}

/** MGF1 (RFC 8017 §B.2.1). */
function mgf1(seed: Uint8Array, length: number, hash: HashName): Buffer {
  const blocks: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(NODE_HASH[hash]).update(seed).update(c).digest();
    blocks.push(block);
    produced += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * OpenSSL refuses the raw RSA operation on keys typed id-RSASSA-PSS (RFC 4055 §1.2);
 * their PKCS#8 body is a plain RSAPrivateKey, so it is re-imported as an ordinary RSA key.
 */
function rawRsaKey(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa-pss') return key;
  const pkcs8 = asn1js.fromBER(key.export({ type: 'pkcs8', format: 'der' }));
  const body = pkcs8.result instanceof asn1js.Sequence ? pkcs8.result.valueBlock.value[2] : undefined;
  if (!(body instanceof asn1js.OctetString)) throw new CachetError('key/unavailable', 'cannot read the RSASSA-PSS private key');
  return createPrivateKey({ key: Buffer.from(body.valueBlock.valueHexView), format: 'der', type: 'pkcs1' });
}

function signPss(key: KeyObject, digest: Uint8Array, hash: HashName, saltLength: number): Uint8Array {
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (!modulusBits) throw new CachetError('key/unavailable', 'cannot read the RSA modulus length');
  const hLen = HASH_LENGTHS[hash];
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + saltLength + 2) throw new CachetError('key/operation-failed', 'RSA key too small for this PSS salt length');
  const salt = randomBytes(saltLength);
  const mPrime = Buffer.concat([Buffer.alloc(8), digest, salt]);
  const h = createHash(NODE_HASH[hash]).update(mPrime).digest();
  const db = Buffer.alloc(emLen - hLen - 1);
  db[emLen - hLen - saltLength - 2] = 0x01;
  salt.copy(db, emLen - hLen - saltLength - 1);
  const mask = mgf1(h, db.length, hash);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (mask[i] as number);
  // Clear the bits above emBits so the encoded message is below the modulus.
  db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  const k = Math.ceil(modulusBits / 8);
  const block = Buffer.concat([Buffer.alloc(k - emLen), em]);
  return new Uint8Array(privateEncrypt({ key: rawRsaKey(key), padding: constants.RSA_NO_PADDING }, block));
}

function signEcdsa(key: KeyObject, digest: Uint8Array): Uint8Array {
  const curveName = key.asymmetricKeyDetails?.namedCurve;
  const curve = curveName !== undefined && curveName in CURVES ? CURVES[curveName as keyof typeof CURVES] : undefined;
  if (!curve) throw new CachetError('key/unavailable', `unsupported curve ${curveName ?? '(unknown)'}`);
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw new CachetError('key/unavailable', 'not an EC private key');
  const d = Buffer.from(jwk.d, 'base64url');
  const secret = new Uint8Array(curve.size);
  secret.set(d, curve.size - d.length);
  try {
    return curve.ecdsa.sign(digest, secret, { prehash: false, format: 'der' });
  } finally {
    secret.fill(0);
    d.fill(0);
  }
}

/** Signs `digest` (already hashed with `scheme.hash`) with a private KeyObject. */
export function signDigest(key: KeyObject, digest: Uint8Array, scheme: SignatureScheme): Uint8Array {
  if (key.type !== 'private') throw new CachetError('key/unavailable', 'a private key is needed to sign');
  checkDigest(digest, scheme.hash);
  const keyType = key.asymmetricKeyType;
  try {
    switch (scheme.name) {
      case 'RSASSA-PKCS1-v1_5':
        if (keyType !== 'rsa') break;
        return signPkcs1(key, digest, scheme.hash);
      case 'RSA-PSS':
        if (keyType !== 'rsa' && keyType !== 'rsa-pss') break;
        return signPss(key, digest, scheme.hash, scheme.saltLength);
      case 'ECDSA':
        if (keyType !== 'ec') break;
        return signEcdsa(key, digest);
    }
  } catch (error) {
    if (error instanceof CachetError) throw error;
    throw new CachetError('key/operation-failed', `signing failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  throw new CachetError('key/unavailable', `a ${keyType ?? 'unknown'} key cannot make ${scheme.name} signatures`);
}
