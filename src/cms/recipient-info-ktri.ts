/**
 * KeyTransRecipientInfo (RFC 5652 §6.2.1): the content key encrypted to an RSA recipient
 * with RSAES-PKCS1-v1_5 (RFC 3370 §4.2.1) or RSAES-OAEP (RFC 3560).
 *
 * KeyTransRecipientInfo ::= SEQUENCE {
 *   version CMSVersion,  -- 0 for issuerAndSerialNumber, 2 for subjectKeyIdentifier
 *   rid RecipientIdentifier,
 *   keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *   encryptedKey EncryptedKey }
 */
import { CachetError } from '../errors';
import { ownBytes, type CmsCrypto } from './cms-crypto';
import { algorithmOf, octetStringOf, sequenceOf, smallIntOf, type Block } from './der-reader';
import { algorithmIdentifier, derNull, integer, octetString, sequence } from './der-writer';
import type { HashName, KeyOperator, KeyTransportScheme } from './key-operator';
import { OID_RSA_ENCRYPTION, OID_RSAES_OAEP } from './oids';
import type { RecipientCertificate } from './recipient-certificate';
import { encodeKtriRecipientId, readKtriRecipientId, recipientIdFor, type RecipientId } from './recipient-identifier';
import { decodeOaepParams, encodeOaepParams } from './rsaes-oaep-params';
import { rsaPkcs1Encrypt } from './rsa-pkcs1-encrypt';

export interface KeyTransRecipientInfo {
  readonly rid: RecipientId;
  readonly scheme: KeyTransportScheme;
  readonly encryptedKey: Uint8Array;
}

/** What Cachet writes: v1.5, or OAEP with one hash for both the label and MGF1. */
export type KeyTransportChoice =
  | { readonly name: 'RSAES-PKCS1-v1_5' }
  | { readonly name: 'RSA-OAEP'; readonly hash: HashName; readonly label?: Uint8Array };

async function wrap(crypto: CmsCrypto, cert: RecipientCertificate, scheme: KeyTransportChoice, cek: Uint8Array): Promise<Uint8Array> {
  if (cert.key.kind !== 'rsa') throw new CachetError('cms/unsupported', 'key transport needs an RSA recipient');
  if (scheme.name === 'RSAES-PKCS1-v1_5') return rsaPkcs1Encrypt(cert.key, cek, crypto);
  const key = await crypto.subtle.importKey('spki', ownBytes(cert.key.spki), { name: 'RSA-OAEP', hash: scheme.hash }, false, ['encrypt']);
  const params: RsaOaepParams = scheme.label && scheme.label.length > 0 ? { name: 'RSA-OAEP', label: ownBytes(scheme.label) } : { name: 'RSA-OAEP' };
  return new Uint8Array(await crypto.subtle.encrypt(params, key, ownBytes(cek)));
}

export async function buildKeyTransRecipientInfo(
  crypto: CmsCrypto,
  cert: RecipientCertificate,
  scheme: KeyTransportChoice,
  cek: Uint8Array,
  preferSki: boolean,
): Promise<Uint8Array> {
  const rid = recipientIdFor(cert, preferSki);
  const algorithm =
    scheme.name === 'RSAES-PKCS1-v1_5'
      ? algorithmIdentifier(OID_RSA_ENCRYPTION, derNull())
      : algorithmIdentifier(OID_RSAES_OAEP, encodeOaepParams({ hash: scheme.hash, label: scheme.label }));
  return sequence(integer(rid.kind === 'ski' ? 2 : 0), encodeKtriRecipientId(rid), algorithm, octetString(await wrap(crypto, cert, scheme, cek)));
}

export function readKeyTransRecipientInfo(block: Block): KeyTransRecipientInfo {
  const [versionBlock, ridBlock, algBlock, keyBlock] = sequenceOf(block, 'KeyTransRecipientInfo');
  const version = smallIntOf(versionBlock, 'KeyTransRecipientInfo version', 2);
  if (version !== 0 && version !== 2) throw new CachetError('cms/malformed', 'bad KeyTransRecipientInfo version');
  const rid = readKtriRecipientId(ridBlock);
  const algorithm = algorithmOf(algBlock, 'keyEncryptionAlgorithm');
  let scheme: KeyTransportScheme;
  if (algorithm.oid === OID_RSA_ENCRYPTION) scheme = { name: 'RSAES-PKCS1-v1_5' };
  else if (algorithm.oid === OID_RSAES_OAEP) {
    const { hash, label, mgf1Hash } = decodeOaepParams(algorithm.params);
    scheme = { name: 'RSA-OAEP', hash, ...(label ? { label } : {}), ...(mgf1Hash ? { mgf1Hash } : {}) };
  } else throw new CachetError('cms/unsupported', `unsupported key transport ${algorithm.oid}`);
  return { rid, scheme, encryptedKey: octetStringOf(keyBlock, 'encryptedKey') };
}

/** Unwraps the content key through the operator; failures become 'cms/decrypt-failed'. */
export async function unwrapKeyTrans(info: KeyTransRecipientInfo, operator: KeyOperator): Promise<Uint8Array> {
  try {
    return await operator.decryptKey(info.encryptedKey, info.scheme);
  } catch (error) {
    throw new CachetError('cms/decrypt-failed', 'the content key could not be unwrapped', { cause: error });
  }
}

