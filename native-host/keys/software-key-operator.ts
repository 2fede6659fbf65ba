/**
 * A KeyOperator over a private key held in memory (command line, tests). The extension
 * uses tokens or the OS store instead; this one exists so that the same CMS code runs
 * end to end without hardware.
 */
import {
  constants,
  createECDH,
  privateDecrypt,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { CachetError } from '../../src/errors';
import type { KeyOperator, KeyTransportScheme, NamedCurve, SignatureScheme } from '../../src/cms/key-operator';
import { NODE_HASH } from './node-hash-names';
import { signDigest } from './software-sign';
import { implicitRejectionSecret, unpadWithImplicitRejection } from './rsa-implicit-rejection';
import { oaepDecode } from './rsa-oaep-decode';

const NODE_CURVE: Record<NamedCurve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

function base64UrlToBigInt(value: string): bigint {
  const hex = Buffer.from(value, 'base64url').toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

export class SoftwareKeyOperator implements KeyOperator {
  readonly certificate: Uint8Array;
  readonly #key: KeyObject;
  /** RSA only, made on first use: signing never needs it. */
  #rsaSecret: Uint8Array | undefined;
  readonly #modulusLength: number;
  readonly #curve: NamedCurve | undefined;

  constructor(key: KeyObject, certificate: Uint8Array) {
    if (key.type !== 'private') throw new CachetError('key/unavailable', 'not a private key');
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certificate);
    } catch (error) {
      throw new CachetError('pki/malformed', 'the certificate cannot be parsed', { cause: error });
    }
    if (!cert.checkPrivateKey(key)) {
      throw new CachetError('key/unavailable', 'the private key does not belong to the certificate');
    }
    this.certificate = certificate;
    this.#key = key;
    const details = key.asymmetricKeyDetails ?? {};
    this.#modulusLength = Math.ceil((details.modulusLength ?? 0) / 8);
    const curve = (Object.keys(NODE_CURVE) as NamedCurve[]).find((c) => NODE_CURVE[c] === details.namedCurve);
    this.#curve = key.asymmetricKeyType === 'ec' ? curve : undefined;
  }

  /** The secret that implicit rejection derives its stand-in keys from (rsa-implicit-rejection.ts). */
  #implicitRejectionSecret(): Uint8Array {
    if (this.#rsaSecret) return this.#rsaSecret;
    const jwk = this.#key.export({ format: 'jwk' });
    if (typeof jwk.d !== 'string') throw new CachetError('key/unavailable', 'RSA key without private exponent');
    this.#rsaSecret = implicitRejectionSecret(base64UrlToBigInt(jwk.d), this.#modulusLength);
    return this.#rsaSecret;
  }

  sign(digest: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array> {
    return Promise.resolve(signDigest(this.#key, digest, scheme));
  }

  decryptKey(wrappedKey: Uint8Array, scheme: KeyTransportScheme): Promise<Uint8Array> {
    if (this.#key.asymmetricKeyType !== 'rsa') {
      return Promise.reject(new CachetError('key/operation-failed', 'key transport needs an RSA key'));
    }
    if (wrappedKey.length !== this.#modulusLength) {
      return Promise.reject(new CachetError('key/operation-failed', 'wrapped key length does not match the RSA modulus'));
    }
    if (scheme.name === 'RSA-OAEP' && scheme.mgf1Hash !== undefined && scheme.mgf1Hash !== scheme.hash) {
      try {
        const em = new Uint8Array(privateDecrypt({ key: this.#key, padding: constants.RSA_NO_PADDING }, wrappedKey));
        return Promise.resolve(oaepDecode(em, NODE_HASH[scheme.hash], NODE_HASH[scheme.mgf1Hash], scheme.label ?? new Uint8Array(0)));
      } catch (error) {
        return Promise.reject(new CachetError('key/operation-failed', 'RSA-OAEP decryption failed', { cause: error }));
      }
    }
    if (scheme.name === 'RSA-OAEP') {
      try {
        const options = { key: this.#key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: NODE_HASH[scheme.hash] };
        const plain = privateDecrypt(scheme.label ? { ...options, oaepLabel: scheme.label } : options, wrappedKey);
        return Promise.resolve(new Uint8Array(plain));
      } catch (error) {
        return Promise.reject(new CachetError('key/operation-failed', 'RSA-OAEP decryption failed', { cause: error }));
      }
    }
    // Node refuses RSA_PKCS1_PADDING for decryption (CVE-2023-46809), rightly: do the raw
    // operation and unpad with implicit rejection instead.
    let secret: Uint8Array;
    try {
      secret = this.#implicitRejectionSecret();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    let em: Uint8Array;
    try {
      em = new Uint8Array(privateDecrypt({ key: this.#key, padding: constants.RSA_NO_PADDING }, wrappedKey));
    } catch {
      // Only a ciphertext not below the modulus gets here: that is public, not an oracle,
      // but it is answered the same way as bad padding.
      em = new Uint8Array(this.#modulusLength);
    }
    return Promise.resolve(unpadWithImplicitRejection(em, wrappedKey, secret));
  }

  deriveSharedSecret(originatorPoint: Uint8Array, curve: NamedCurve): Promise<Uint8Array> {
    if (this.#curve === undefined || this.#curve !== curve) {
      return Promise.reject(new CachetError('key/operation-failed', `key agreement on ${curve} needs a key on that curve`));
    }
    try {
      const jwk = this.#key.export({ format: 'jwk' });
      if (typeof jwk.d !== 'string') throw new Error('EC key without private scalar');
      const ecdh = createECDH(NODE_CURVE[curve]);
      ecdh.setPrivateKey(Buffer.from(jwk.d, 'base64url'));
      // computeSecret decodes and checks the point (on the curve, not infinity).
      return Promise.resolve(new Uint8Array(ecdh.computeSecret(originatorPoint)));
    } catch (error) {
      return Promise.reject(new CachetError('key/operation-failed', 'ECDH with the originator key failed', { cause: error }));
    }
  }
}
