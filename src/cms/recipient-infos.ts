/**
 * RecipientInfos (RFC 5652 §6.2): one per recipient certificate, key transport for RSA
 * and key agreement for EC keys, and the reading side that sorts received ones by kind.
 */
import { CachetError } from '../errors';
import type { CmsCrypto } from './cms-crypto';
import { isContext, isTag, setOf, TAG_CLASS_UNIVERSAL, type Block } from './der-reader';
import type { HashName } from './key-operator';
import type { RecipientCertificate } from './recipient-certificate';
import { buildKeyAgreeRecipientInfo, readKeyAgreeRecipientInfo, type KeyAgreeRecipientInfo } from './recipient-info-kari';
import { buildKeyTransRecipientInfo, readKeyTransRecipientInfo, type KeyTransportChoice, type KeyTransRecipientInfo } from './recipient-info-ktri';

export interface RecipientOptions {
  /** Key transport for RSA recipients; RSAES-PKCS1-v1_5 unless the recipient announced OAEP. */
  readonly keyTransport: KeyTransportChoice;
  /** Per-recipient override of `keyTransport` (e.g. OAEP for those who announced it). */
  readonly keyTransportFor?: (recipient: RecipientCertificate) => KeyTransportChoice | undefined;
  /** Identify recipients by subjectKeyIdentifier where their certificate has one. */
  readonly preferSubjectKeyIdentifier: boolean;
  /** KDF hash for EC recipients; by default matched to the curve. */
  readonly kdfHash?: HashName;
}

export type ParsedRecipientInfo =
  | { readonly kind: 'ktri'; readonly info: KeyTransRecipientInfo }
  | { readonly kind: 'kari'; readonly info: KeyAgreeRecipientInfo }
  | { readonly kind: 'other'; readonly unsupported?: string };

export interface BuiltRecipientInfos {
  readonly encoded: readonly Uint8Array[];
  /** True when every RecipientInfo is version 0, which allows EnvelopedData version 0. */
  readonly allVersion0: boolean;
}

export async function buildRecipientInfos(
  crypto: CmsCrypto,
  recipients: readonly RecipientCertificate[],
  cek: Uint8Array,
  options: RecipientOptions,
): Promise<BuiltRecipientInfos> {
  if (recipients.length === 0) throw new CachetError('cms/no-recipient', 'no recipients to encrypt to');
  const encoded: Uint8Array[] = [];
  let allVersion0 = true;
  for (const cert of recipients) {
    if (cert.key.kind === 'rsa') {
      const keyTransport = options.keyTransportFor?.(cert) ?? options.keyTransport;
      encoded.push(await buildKeyTransRecipientInfo(crypto, cert, keyTransport, cek, options.preferSubjectKeyIdentifier));
      if (options.preferSubjectKeyIdentifier && cert.subjectKeyIdentifier) allVersion0 = false;
    } else {
      encoded.push(await buildKeyAgreeRecipientInfo(crypto, cert, cek, options.preferSubjectKeyIdentifier, options.kdfHash));
      allVersion0 = false;
    }
  }
  return { encoded, allVersion0 };
}

export function readRecipientInfos(block: Block | undefined): ParsedRecipientInfo[] {
  const infos = setOf(block, 'RecipientInfos');
  if (infos.length === 0) throw new CachetError('cms/malformed', 'RecipientInfos is empty');
  if (infos.length > 10_000) throw new CachetError('cms/malformed', 'too many RecipientInfos');
  return infos.map((ri): ParsedRecipientInfo => {
    try {
      if (isTag(ri, TAG_CLASS_UNIVERSAL, 16)) return { kind: 'ktri', info: readKeyTransRecipientInfo(ri) };
      if (isContext(ri, 1)) return { kind: 'kari', info: readKeyAgreeRecipientInfo(ri) };
    } catch (error) {
      // An algorithm Cachet cannot use, for some other recipient, must not hide ours.
      if (error instanceof CachetError && error.code === 'cms/unsupported') return { kind: 'other', unsupported: error.message };
      throw error;
    }
    // kekri [2], pwri [3] and ori [4] need keys Cachet never has.
    return { kind: 'other' };
  });
}
