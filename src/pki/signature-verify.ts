import { TAG, children, decodeOid, expectUniversal, isContext, malformed, readTlv, toHex, type Tlv } from './der';
import { decodeDsaParameters, dsaVerify, type DsaParameters } from './dsa-verify';
import { OID } from './oids';
import type { AlgorithmIdentifier, SubjectPublicKeyInfo } from './parsed-certificate';

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** A public key as the working_public_key of RFC 5280 §6.1.2 (h)–(j): key plus inherited DSA parameters. */
export interface WorkingPublicKey {
  readonly spki: SubjectPublicKeyInfo;
  readonly dsaParameters: DsaParameters | undefined;
}

export interface SignaturePolicy {
  /**
   * Accept SHA-1 signatures. Certificates and CRLs of existing PKIs (PKITS among them) are
   * SHA-1-signed, so path validation accepts them by default; new message signatures
   * reject SHA-1 by default (BEHAVIOURS.md B12, the CMS layer decides that).
   */
  readonly allowSha1: boolean;
}

export type SignatureVerdict = 'valid' | 'invalid' | 'weak-algorithm' | 'unsupported-algorithm';

interface Scheme {
  readonly kind: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'dsa';
  readonly hash: HashName;
  readonly saltLength?: number;
}

const BY_OID: Record<string, Scheme> = {
  [OID.sha1WithRsa]: { kind: 'rsa-pkcs1', hash: 'SHA-1' },
  [OID.sha256WithRsa]: { kind: 'rsa-pkcs1', hash: 'SHA-256' },
  [OID.sha384WithRsa]: { kind: 'rsa-pkcs1', hash: 'SHA-384' },
  [OID.sha512WithRsa]: { kind: 'rsa-pkcs1', hash: 'SHA-512' },
  [OID.ecdsaWithSha1]: { kind: 'ecdsa', hash: 'SHA-1' },
  [OID.ecdsaWithSha256]: { kind: 'ecdsa', hash: 'SHA-256' },
  [OID.ecdsaWithSha384]: { kind: 'ecdsa', hash: 'SHA-384' },
  [OID.ecdsaWithSha512]: { kind: 'ecdsa', hash: 'SHA-512' },
  [OID.dsaWithSha1]: { kind: 'dsa', hash: 'SHA-1' },
  [OID.dsaWithSha256]: { kind: 'dsa', hash: 'SHA-256' },
};

const HASH_BY_OID: Record<string, HashName> = {
  [OID.sha1]: 'SHA-1', [OID.sha256]: 'SHA-256', [OID.sha384]: 'SHA-384', [OID.sha512]: 'SHA-512',
};

const CURVES: Record<string, { name: string; size: number }> = {
  [OID.p256]: { name: 'P-256', size: 32 },
  [OID.p384]: { name: 'P-384', size: 48 },
  [OID.p521]: { name: 'P-521', size: 66 },
};

/** RSASSA-PSS-params (RFC 4055 §3.1); only MGF1 with the same hash is accepted, as WebCrypto requires. */
function pssScheme(params: Tlv | undefined): Scheme {
  let hash: HashName = 'SHA-1';
  let mgfHash: HashName = 'SHA-1';
  let saltLength = 20;
  if (params) {
    for (const field of children(expectUniversal(params, TAG.SEQUENCE, 'RSASSA-PSS-params'))) {
      const [inner] = children(field);
      if (!inner) throw malformed('RSASSA-PSS-params: empty field');
      if (isContext(field, 0)) {
        const [oid] = children(expectUniversal(inner, TAG.SEQUENCE, 'hashAlgorithm'));
        const h = HASH_BY_OID[decodeOid(expectUniversal(oid, TAG.OID, 'hash').value)];
        if (!h) throw malformed('RSASSA-PSS: unsupported hash');
        hash = h;
      } else if (isContext(field, 1)) {
        const [oid, mgfParams] = children(expectUniversal(inner, TAG.SEQUENCE, 'maskGenAlgorithm'));
        if (decodeOid(expectUniversal(oid, TAG.OID, 'mgf').value) !== OID.mgf1 || !mgfParams) throw malformed('RSASSA-PSS: unsupported MGF');
        const [mgfHashOid] = children(expectUniversal(mgfParams, TAG.SEQUENCE, 'mgf hash'));
        const h = HASH_BY_OID[decodeOid(expectUniversal(mgfHashOid, TAG.OID, 'mgf hash').value)];
        if (!h) throw malformed('RSASSA-PSS: unsupported MGF hash');
        mgfHash = h;
      } else if (isContext(field, 2)) {
        saltLength = Number(expectUniversal(inner, TAG.INTEGER, 'saltLength').value.reduce((n, b) => n * 256 + b, 0));
        if (saltLength > 1024) throw malformed('RSASSA-PSS: salt too long');
      } else if (isContext(field, 3)) {
        if (inner.value.length !== 1 || inner.value[0] !== 1) throw malformed('RSASSA-PSS: unsupported trailerField');
      }
    }
  }
  if (mgfHash !== hash) throw malformed('RSASSA-PSS: MGF1 hash differs from the message hash');
  return { kind: 'rsa-pss', hash, saltLength };
}

export function signatureScheme(alg: AlgorithmIdentifier): Scheme | undefined {
  if (alg.oid === OID.rsaPss) return pssScheme(alg.params);
  return BY_OID[alg.oid];
}

/** Converts a DER ECDSA-Sig-Value to the fixed-size r||s form WebCrypto expects. */
function ecdsaRaw(signature: Uint8Array, size: number): Uint8Array | undefined {
  const [r, s, extra] = children(expectUniversal(readTlv(signature), TAG.SEQUENCE, 'ECDSA-Sig-Value'));
  if (extra) return undefined;
  const out = new Uint8Array(size * 2);
  for (const [index, part] of [r, s].entries()) {
    let v = expectUniversal(part, TAG.INTEGER, 'ECDSA integer').value;
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return undefined;
    out.set(v, index * size + (size - v.length));
  }
  return out;
}

/** WebCrypto wants bytes backed by a plain ArrayBuffer. */
export function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** Verifies signatures of certificates, CRLs and OCSP responses, caching imported keys. */
export class SignatureVerifier {
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly crypto: Crypto, private readonly policy: SignaturePolicy = { allowSha1: true }) {}

  async verify(alg: AlgorithmIdentifier, key: WorkingPublicKey, data: Uint8Array, signature: Uint8Array): Promise<SignatureVerdict> {
    let scheme: Scheme | undefined;
    try {
      scheme = signatureScheme(alg);
    } catch {
      return 'unsupported-algorithm';
    }
    if (!scheme) return 'unsupported-algorithm';
    if (scheme.hash === 'SHA-1' && !this.policy.allowSha1) return 'weak-algorithm';
    try {
      return (await this.verifyScheme(scheme, key, data, signature)) ? 'valid' : 'invalid';
    } catch {
      // A key or signature that cannot even be decoded does not verify.
      return 'invalid';
    }
  }

  private async verifyScheme(scheme: Scheme, key: WorkingPublicKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const subtle = this.crypto.subtle;
    const keyAlg = key.spki.algorithm.oid;
    switch (scheme.kind) {
      case 'dsa': {
        if (keyAlg !== OID.dsa) return false;
        const ownParams = key.spki.algorithm.params;
        const params = ownParams && ownParams.tagNumber === TAG.SEQUENCE ? decodeDsaParameters(ownParams) : key.dsaParameters;
        if (!params) return false;
        const digest = new Uint8Array(await subtle.digest(scheme.hash, own(data)));
        return dsaVerify(params, key.spki.publicKey, digest, signature);
      }
      case 'ecdsa': {
        if (keyAlg !== OID.ecPublicKey || !key.spki.algorithm.params) return false;
        const curve = CURVES[decodeOid(expectUniversal(key.spki.algorithm.params, TAG.OID, 'namedCurve').value)];
        if (!curve) return false;
        const raw = ecdsaRaw(signature, curve.size);
        if (!raw) return false;
        const k = await this.importKey(key, { name: 'ECDSA', namedCurve: curve.name });
        return subtle.verify({ name: 'ECDSA', hash: scheme.hash }, k, own(raw), own(data));
      }
      case 'rsa-pkcs1': {
        if (keyAlg !== OID.rsaEncryption) return false;
        const k = await this.importKey(key, { name: 'RSASSA-PKCS1-v1_5', hash: scheme.hash });
        return subtle.verify('RSASSA-PKCS1-v1_5', k, own(signature), own(data));
      }
      case 'rsa-pss': {
        if (keyAlg !== OID.rsaEncryption && keyAlg !== OID.rsaPss) return false;
        const k = await this.importKey(key, { name: 'RSA-PSS', hash: scheme.hash });
        return subtle.verify({ name: 'RSA-PSS', saltLength: scheme.saltLength ?? 20 }, k, own(signature), own(data));
      }
    }
  }

  private importKey(key: WorkingPublicKey, alg: RsaHashedImportParams | EcKeyImportParams): Promise<CryptoKey> {
    const id = `${JSON.stringify(alg)}:${toHex(key.spki.der)}`;
    let pending = this.keys.get(id);
    if (!pending) {
      pending = this.crypto.subtle.importKey('spki', own(key.spki.der), alg, false, ['verify']);
      this.keys.set(id, pending);
    }
    return pending;
  }
}
