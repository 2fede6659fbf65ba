/**
 * Checks one signature value with WebCrypto: RSASSA-PKCS1-v1_5, RSASSA-PSS (RFC 4056) and
 * ECDSA (RFC 5753 §3.1); DSA (RFC 3370 §3.1), which WebCrypto lacks, with BigInt arithmetic. The algorithm comes from SignerInfo.signatureAlgorithm and must
 * agree with the signer's key and with SignerInfo.digestAlgorithm (RFC 5652 §5.4).
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { dsaVerify, type DsaParameters } from '../pki/dsa-verify';
import { ecdsaDerToRaw } from './ecdsa-signature';
import type { HashName, NamedCurve } from './key-operator';
import {
  OID_DSA,
  OID_DSA_WITH_SHA1,
  OID_DSA_WITH_SHA256,
  OID_EC_PUBLIC_KEY,
  OID_MGF1,
  OID_RSASSA_PSS,
  OID_RSA_ENCRYPTION,
  curveFromOid,
  ecdsaHashFromOid,
  hashNameFromOid,
  rsaPkcs1HashFromOid,
} from './oids';

export type SignatureValueCheck =
  | { readonly outcome: 'valid' }
  | { readonly outcome: 'invalid'; readonly reason: string }
  | { readonly outcome: 'unsupported'; readonly reason: string };

type Scheme =
  | { kind: 'rsa-pkcs1'; hash: HashName }
  | { kind: 'rsa-pss'; hash: HashName; saltLength: number }
  | { kind: 'ecdsa'; hash: HashName }
  | { kind: 'dsa'; hash: HashName };

// dsa-with-sha224 is left out: WebCrypto has no SHA-224, so it stays unsupported.
const DSA_HASHES: ReadonlyMap<string, HashName> = new Map([
  [OID_DSA_WITH_SHA1, 'SHA-1'],
  [OID_DSA_WITH_SHA256, 'SHA-256'],
]);

/** The hash an AlgorithmIdentifier SEQUENCE names, when Cachet knows it. */
function hashOfAlgorithm(node: unknown): HashName | undefined {
  const oid = node instanceof asn1js.Sequence ? node.valueBlock.value[0] : undefined;
  return oid instanceof asn1js.ObjectIdentifier ? hashNameFromOid(oid.valueBlock.toString()) : undefined;
}

/** RSASSA-PSS-params (RFC 4055 §3.1) with their defaults; undefined when not expressible in WebCrypto. */
function readPssParams(params: unknown): { hash: HashName; saltLength: number } | string {
  let hash: HashName = 'SHA-1';
  let mgfHash: HashName = 'SHA-1';
  let saltLength = 20;
  if (params === undefined || params instanceof asn1js.Null) return { hash, saltLength };
  if (!(params instanceof asn1js.Sequence)) return 'RSASSA-PSS parameters are not a SEQUENCE';
  for (const field of params.valueBlock.value) {
    if (field.idBlock.tagClass !== 3 || !(field instanceof asn1js.Constructed)) return 'bad RSASSA-PSS parameters';
    const inner = field.valueBlock.value[0];
    switch (field.idBlock.tagNumber) {
      case 0: {
        const name = hashOfAlgorithm(inner);
        if (!name) return 'unsupported RSASSA-PSS hash';
        hash = name;
        break;
      }
      case 1: {
        const items = inner instanceof asn1js.Sequence ? inner.valueBlock.value : [];
        const mgf = items[0];
        const mgfParams = items[1];
        if (!(mgf instanceof asn1js.ObjectIdentifier) || mgf.valueBlock.toString() !== OID_MGF1) return 'unsupported mask generation function';
        const name = hashOfAlgorithm(mgfParams);
        if (!name) return 'unsupported MGF1 hash';
        mgfHash = name;
        break;
      }
      case 2: {
        if (!(inner instanceof asn1js.Integer)) return 'bad RSASSA-PSS salt length';
        const value = inner.valueBlock.valueDec;
        if (!Number.isSafeInteger(value) || value < 0 || value > 1024) return 'bad RSASSA-PSS salt length';
        saltLength = value;
        break;
      }
      case 3: {
        // RFC 4055 §3.1: trailerField MUST be 1.
        if (!(inner instanceof asn1js.Integer) || inner.valueBlock.valueDec !== 1) return 'unsupported RSASSA-PSS trailer field';
        break;
      }
      default:
        return 'bad RSASSA-PSS parameters';
    }
  }
  // WebCrypto ties MGF1's hash to the signature hash.
  if (mgfHash !== hash) return 'RSASSA-PSS with an MGF1 hash different from the message hash';
  return { hash, saltLength };
}

function schemeFor(algorithm: pkijs.AlgorithmIdentifier, digestHash: HashName): Scheme | SignatureValueCheck {
  const oid = algorithm.algorithmId;
  const mismatch = (hash: HashName): SignatureValueCheck => ({
    outcome: 'invalid',
    reason: `signature algorithm uses ${hash} but the digest algorithm is ${digestHash}`,
  });
  if (oid === OID_RSA_ENCRYPTION) return { kind: 'rsa-pkcs1', hash: digestHash };
  const rsaHash = rsaPkcs1HashFromOid(oid);
  if (rsaHash) return rsaHash === digestHash ? { kind: 'rsa-pkcs1', hash: rsaHash } : mismatch(rsaHash);
  if (oid === OID_RSASSA_PSS) {
    const params = readPssParams(algorithm.algorithmParams);
    if (typeof params === 'string') return { outcome: 'unsupported', reason: params };
    return params.hash === digestHash ? { kind: 'rsa-pss', ...params } : mismatch(params.hash);
  }
  // Some writers put the key's OID here, as for ECDSA.
  if (oid === OID_DSA) return { kind: 'dsa', hash: digestHash };
  const dsaHash = DSA_HASHES.get(oid);
  if (dsaHash) return dsaHash === digestHash ? { kind: 'dsa', hash: dsaHash } : mismatch(dsaHash);
  const ecHash = ecdsaHashFromOid(oid);
  if (ecHash) return ecHash === digestHash ? { kind: 'ecdsa', hash: ecHash } : mismatch(ecHash);
  // Some writers put the key's OID here (RFC 5753 §7.1.2 allows it for older readers).
  if (oid === OID_EC_PUBLIC_KEY) return { kind: 'ecdsa', hash: digestHash };
  return { outcome: 'unsupported', reason: `unsupported signature algorithm ${oid}` };
}

/** An rsaEncryption SPKI for the same key: browsers refuse to import id-RSASSA-PSS SPKIs. */
function rsaSpki(key: pkijs.PublicKeyInfo): Uint8Array {
  const spki = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_RSA_ENCRYPTION }), new asn1js.Null()] }),
      new asn1js.BitString({ valueHex: key.subjectPublicKey.valueBlock.valueHexView.slice().buffer }),
    ],
  });
  return new Uint8Array(spki.toBER(false));
}

function ecCurve(key: pkijs.PublicKeyInfo): NamedCurve | undefined {
  const params: unknown = key.algorithm.algorithmParams;
  return params instanceof asn1js.ObjectIdentifier ? curveFromOid(params.valueBlock.toString()) : undefined;
}

export async function verifySignatureValue(
  subtle: SubtleCrypto,
  key: pkijs.PublicKeyInfo,
  algorithm: pkijs.AlgorithmIdentifier,
  digestHash: HashName,
  signedBytes: Uint8Array,
  signature: Uint8Array,
  /** For a DSA key: its parameters, its own or inherited from its issuers. */
  dsaParameters?: DsaParameters,
): Promise<SignatureValueCheck> {
  const scheme = schemeFor(algorithm, digestHash);
  if ('outcome' in scheme) return scheme;
  const keyOid = key.algorithm.algorithmId;
  // A public key is whole octets (RFC 3279 §2.3, RFC 5480 §2.2). A BIT STRING claiming
  // unused bits may still decode to the same key, so changed octets would verify.
  if (key.subjectPublicKey.valueBlock.unusedBits !== 0) return { outcome: 'invalid', reason: 'the public key is not a whole number of octets' };
  const data = signedBytes as Uint8Array<ArrayBuffer>;
  try {
    if (scheme.kind === 'dsa') {
      if (keyOid !== OID_DSA) return { outcome: 'invalid', reason: 'DSA signature with a non-DSA key' };
      if (!dsaParameters) return { outcome: 'invalid', reason: 'the DSA key has no parameters and no issuer to inherit them from' };
      const hashed = new Uint8Array(await subtle.digest(scheme.hash, data));
      const ok = dsaVerify(dsaParameters, key.subjectPublicKey.valueBlock.valueHexView, hashed, signature);
      return ok ? { outcome: 'valid' } : { outcome: 'invalid', reason: 'DSA signature does not verify' };
    }
    if (scheme.kind === 'ecdsa') {
      if (keyOid !== OID_EC_PUBLIC_KEY) return { outcome: 'invalid', reason: 'ECDSA signature with a non-EC key' };
      const curve = ecCurve(key);
      if (!curve) return { outcome: 'unsupported', reason: 'unsupported elliptic curve' };
      // RFC 5480 §2.2: an EC key is uncompressed (04) or compressed (02, 03); the hybrid form
      // (06, 07) must not be used. WebCrypto would accept it, so a certificate whose key was
      // re-encoded that way would still verify as if its octets had not changed.
      const form = key.subjectPublicKey.valueBlock.valueHexView[0];
      if (form !== 0x04 && form !== 0x02 && form !== 0x03) return { outcome: 'invalid', reason: 'EC public key not in uncompressed or compressed form (RFC 5480 §2.2)' };
      const raw = ecdsaDerToRaw(signature, curve);
      if (!raw) return { outcome: 'invalid', reason: 'ECDSA signature is not a valid Ecdsa-Sig-Value' };
      const spki = new Uint8Array(key.toSchema().toBER(false));
      const imported = await subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
      const ok = await subtle.verify({ name: 'ECDSA', hash: scheme.hash }, imported, raw as Uint8Array<ArrayBuffer>, data);
      return ok ? { outcome: 'valid' } : { outcome: 'invalid', reason: 'ECDSA signature does not verify' };
    }
    if (keyOid !== OID_RSA_ENCRYPTION && keyOid !== OID_RSASSA_PSS) return { outcome: 'invalid', reason: 'RSA signature with a non-RSA key' };
    // RFC 4056 §3: a key restricted to PSS must not verify PKCS#1 v1.5 signatures.
    if (keyOid === OID_RSASSA_PSS && scheme.kind === 'rsa-pkcs1') return { outcome: 'invalid', reason: 'PKCS#1 v1.5 signature with an RSASSA-PSS key' };
    const spki = rsaSpki(key) as Uint8Array<ArrayBuffer>;
    const sig = signature as Uint8Array<ArrayBuffer>;
    if (scheme.kind === 'rsa-pss') {
      const imported = await subtle.importKey('spki', spki, { name: 'RSA-PSS', hash: scheme.hash }, false, ['verify']);
      const ok = await subtle.verify({ name: 'RSA-PSS', saltLength: scheme.saltLength }, imported, sig, data);
      return ok ? { outcome: 'valid' } : { outcome: 'invalid', reason: 'RSASSA-PSS signature does not verify' };
    }
    const imported = await subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: scheme.hash }, false, ['verify']);
    const ok = await subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, imported, sig, data);
    return ok ? { outcome: 'valid' } : { outcome: 'invalid', reason: 'RSA PKCS#1 v1.5 signature does not verify' };
  } catch (error) {
    // importKey refuses malformed or unusable keys (too small, bad encoding); the signature cannot be good.
    return { outcome: 'invalid', reason: `public key not usable: ${error instanceof Error ? error.message : String(error)}` };
  }
}
