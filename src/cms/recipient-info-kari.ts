/**
 * KeyAgreeRecipientInfo (RFC 5652 §6.2.2) for ECDH (RFC 5753 §3.1), written as OpenSSL
 * writes it: one ephemeral key per recipient as originatorKey with id-ecPublicKey and no
 * parameters, no ukm, dhSinglePass-stdDH-shaNkdf-scheme with an AES key wrap.
 *
 * KeyAgreeRecipientInfo ::= SEQUENCE {
 *   version CMSVersion,  -- always 3
 *   originator [0] EXPLICIT OriginatorIdentifierOrKey,
 *   ukm [1] EXPLICIT UserKeyingMaterial OPTIONAL,
 *   keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *   recipientEncryptedKeys RecipientEncryptedKeys }
 */
import { CachetError } from '../errors';
import { ownBytes, type CmsCrypto } from './cms-crypto';
import { aesKeyUnwrap, aesKeyWrap } from './aes-key-wrap';
import {
  algorithmOf,
  bitStringBytes,
  childrenOf,
  encodingOf,
  isContext,
  octetStringOf,
  oidOf,
  sequenceOf,
  smallIntOf,
  type Block,
} from './der-reader';
import { algorithmIdentifier, bitString, explicit, implicitConstructed, integer, octetString, sequence } from './der-writer';
import { ECDH_SCHEME_OIDS, eccCmsSharedInfo, kdfHashOfScheme, x963Kdf } from './ecdh-kdf';
import type { HashName, KeyOperator, NamedCurve } from './key-operator';
import { OID_AES128_WRAP, OID_AES192_WRAP, OID_AES256_WRAP, OID_CMS3DES_WRAP, OID_EC_PUBLIC_KEY } from './oids';
import { desEde3KeyUnwrap } from './ciphers/des-ede3-key-unwrap';
import type { RecipientCertificate } from './recipient-certificate';
import { encodeKariRecipientId, readKariRecipientId, recipientIdFor, type RecipientId } from './recipient-identifier';

const WRAP_KEY_LENGTHS: ReadonlyMap<string, number> = new Map([
  [OID_AES128_WRAP, 16],
  [OID_AES192_WRAP, 24],
  [OID_AES256_WRAP, 32],
  [OID_CMS3DES_WRAP, 24],
]);

/** RFC 5753 §8 / RFC 8551 pairing of curve and KDF hash, by security strength. */
export const DEFAULT_KDF_HASH: Readonly<Record<NamedCurve, HashName>> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };

export interface KeyAgreeRecipientInfo {
  /** The originator's public key as an encoded point. */
  readonly originatorPoint: Uint8Array;
  readonly ukm: Uint8Array | undefined;
  readonly kdfHash: HashName;
  readonly keyWrapOid: string;
  /** The key wrap AlgorithmIdentifier exactly as received: it is part of the KDF input. */
  readonly keyWrapEncoding: Uint8Array;
  readonly kekLength: number;
  readonly recipientEncryptedKeys: readonly { readonly rid: RecipientId; readonly encryptedKey: Uint8Array }[];
}

function wrapAlgorithmFor(cekLength: number): string {
  if (cekLength === 16) return OID_AES128_WRAP;
  if (cekLength === 24) return OID_AES192_WRAP;
  return OID_AES256_WRAP;
}

export async function buildKeyAgreeRecipientInfo(
  crypto: CmsCrypto,
  cert: RecipientCertificate,
  cek: Uint8Array,
  preferSki: boolean,
  kdfHash?: HashName,
): Promise<Uint8Array> {
  if (cert.key.kind !== 'ec') throw new CachetError('cms/unsupported', 'key agreement needs an EC recipient');
  const curve = cert.key.curve;
  const hash = kdfHash ?? DEFAULT_KDF_HASH[curve];
  const recipientKey = await crypto.subtle.importKey('spki', ownBytes(cert.key.spki), { name: 'ECDH', namedCurve: curve }, false, []);
  const ephemeral = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: curve }, true, ['deriveBits']);
  const z = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: recipientKey }, ephemeral.privateKey, null));
  const point = new Uint8Array(await crypto.subtle.exportKey('raw', ephemeral.publicKey));
  const wrapOid = wrapAlgorithmFor(cek.length);
  const keyWrap = algorithmIdentifier(wrapOid);
  const kekLength = WRAP_KEY_LENGTHS.get(wrapOid)!;
  const kek = await x963Kdf(crypto, hash, z, eccCmsSharedInfo(keyWrap, undefined, kekLength * 8), kekLength);
  const wrapped = await aesKeyWrap(crypto, kek, cek);
  const rid = recipientIdFor(cert, preferSki);
  const body = [
    integer(3),
    explicit(0, implicitConstructed(1, algorithmIdentifier(OID_EC_PUBLIC_KEY), bitString(point))),
    algorithmIdentifier(ECDH_SCHEME_OIDS[hash], keyWrap),
    sequence(sequence(encodeKariRecipientId(rid), octetString(wrapped))),
  ];
  // RecipientInfo's kari alternative is [1] IMPLICIT KeyAgreeRecipientInfo.
  return implicitConstructed(1, ...body);
}

/** Reads the [1] alternative of RecipientInfo. */
export function readKeyAgreeRecipientInfo(block: Block): KeyAgreeRecipientInfo {
  const fields = childrenOf(block, 'KeyAgreeRecipientInfo');
  if (smallIntOf(fields[0], 'KeyAgreeRecipientInfo version', 3) !== 3) throw new CachetError('cms/malformed', 'bad KeyAgreeRecipientInfo version');
  if (!isContext(fields[1], 0)) throw new CachetError('cms/malformed', 'KeyAgreeRecipientInfo without originator');
  const [originator] = childrenOf(fields[1], 'originator');
  if (!isContext(originator, 1)) {
    throw new CachetError('cms/unsupported', 'only an originator public key is supported (not a certificate reference)');
  }
  const [origAlgBlock, origKeyBlock] = childrenOf(originator, 'OriginatorPublicKey');
  if (oidOf(sequenceOf(origAlgBlock, 'originator algorithm')[0], 'originator algorithm') !== OID_EC_PUBLIC_KEY) {
    throw new CachetError('cms/unsupported', 'originator key is not an EC key');
  }
  const originatorPoint = bitStringBytes(origKeyBlock, 'originator public key');
  let next = 2;
  let ukm: Uint8Array | undefined;
  if (isContext(fields[next], 1)) {
    ukm = octetStringOf(childrenOf(fields[next], 'ukm')[0], 'ukm');
    next++;
  }
  const algBlock = fields[next];
  const algorithm = algorithmOf(algBlock, 'keyEncryptionAlgorithm');
  const kdfHash = kdfHashOfScheme(algorithm.oid);
  const keyWrapBlock = algorithm.params;
  const keyWrap = algorithmOf(keyWrapBlock, 'key wrap algorithm');
  const kekLength = WRAP_KEY_LENGTHS.get(keyWrap.oid);
  if (!kekLength || !keyWrapBlock) throw new CachetError('cms/unsupported', `unsupported key wrap ${keyWrap.oid}`);
  const recipientEncryptedKeys = sequenceOf(fields[next + 1], 'RecipientEncryptedKeys').map((rek) => {
    const [ridBlock, keyBlock] = sequenceOf(rek, 'RecipientEncryptedKey');
    return { rid: readKariRecipientId(ridBlock), encryptedKey: octetStringOf(keyBlock, 'encryptedKey') };
  });
  return { originatorPoint, ukm, kdfHash, keyWrapOid: keyWrap.oid, keyWrapEncoding: encodingOf(keyWrapBlock), kekLength, recipientEncryptedKeys };
}

/** ECDH through the operator, KDF, then AES key unwrap (RFC 5753 §3.1.2). */
export async function unwrapKeyAgree(
  crypto: CmsCrypto,
  info: KeyAgreeRecipientInfo,
  encryptedKey: Uint8Array,
  operator: KeyOperator,
  curve: NamedCurve,
): Promise<Uint8Array> {
  let z: Uint8Array;
  try {
    z = await operator.deriveSharedSecret(info.originatorPoint, curve);
  } catch (error) {
    throw new CachetError('cms/decrypt-failed', 'key agreement with the originator key failed', { cause: error });
  }
  const sharedInfo = eccCmsSharedInfo(info.keyWrapEncoding, info.ukm, info.kekLength * 8);
  const kek = await x963Kdf(crypto, info.kdfHash, z, sharedInfo, info.kekLength);
  if (info.keyWrapOid === OID_CMS3DES_WRAP) return desEde3KeyUnwrap(crypto, kek, encryptedKey);
  return aesKeyUnwrap(crypto, kek, encryptedKey);
}
