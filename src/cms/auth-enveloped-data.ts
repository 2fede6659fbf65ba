/**
 * AuthEnvelopedData (RFC 5083) with AES-GCM (RFC 5084), wrapped in a ContentInfo. PKI.js
 * has none, so Cachet writes and reads it itself.
 *
 * AuthEnvelopedData ::= SEQUENCE {
 *   version CMSVersion,  -- always 0
 *   originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *   recipientInfos RecipientInfos,
 *   authEncryptedContentInfo EncryptedContentInfo,
 *   authAttrs [1] IMPLICIT AuthAttributes OPTIONAL,
 *   mac MessageAuthenticationCode,
 *   unauthAttrs [2] IMPLICIT UnauthAttributes OPTIONAL }
 *
 * The GCM tag is the mac; the additional authenticated data is the DER of authAttrs
 * with a SET OF tag (RFC 5083 §2.2), or nothing when there are none.
 */
import { CachetError } from '../errors';
import { randomBytes, type CmsCrypto } from './cms-crypto';
import { encodingOf, isContext, octetStringOf, sequenceOf, smallIntOf, type Block } from './der-reader';
import { concatBytes, integer, octetString, oid, setOf as encodeSetOf, wrapPieces } from './der-writer';
import { encryptGcm, keyLengthOf, newContentAlgorithm, type WritableGcmCipher } from './content-encryption';
import { encodeEncryptedContentInfo, readEncryptedContentInfo, type EncryptedContentInfo } from './encrypted-content-info';
import { OID_AUTH_ENVELOPED_DATA, OID_DATA } from './oids';
import type { RecipientCertificate } from './recipient-certificate';
import { buildRecipientInfos, readRecipientInfos, type ParsedRecipientInfo, type RecipientOptions } from './recipient-infos';

export interface AuthEnvelopeOptions extends RecipientOptions {
  readonly cipher: WritableGcmCipher;
  /**
   * Encoded Attribute values to authenticate (RFC 5083 §2.1). None by default: OpenSSL
   * 3.0 rejects AuthEnvelopedData carrying authAttrs as [1] (its ASN.1 template expects
   * another tag there), and id-data content does not need them.
   */
  readonly authAttributes?: readonly Uint8Array[];
}

export async function buildAuthEnvelopedData(
  crypto: CmsCrypto,
  content: Uint8Array,
  recipients: readonly RecipientCertificate[],
  options: AuthEnvelopeOptions,
): Promise<Uint8Array> {
  const cek = randomBytes(crypto, keyLengthOf(options.cipher));
  const infos = await buildRecipientInfos(crypto, recipients, cek, options);
  const algorithm = newContentAlgorithm(crypto, options.cipher);
  const attributes = options.authAttributes && options.authAttributes.length > 0 ? encodeSetOf(options.authAttributes) : undefined;
  const { ciphertext, tag } = await encryptGcm(crypto, algorithm, cek, content, attributes ?? new Uint8Array(0));
  cek.fill(0);
  const authAttrs = attributes ? [concatBytes([Uint8Array.of(0xa1), attributes.subarray(1)])] : [];
  const authEnvelopedData = wrapPieces(0x30, [
    integer(0),
    encodeSetOf(infos.encoded),
    ...encodeEncryptedContentInfo(OID_DATA, algorithm, ciphertext),
    ...authAttrs,
    octetString(tag),
  ]);
  return concatBytes(wrapPieces(0x30, [oid(OID_AUTH_ENVELOPED_DATA), ...wrapPieces(0xa0, authEnvelopedData)]));
}

export interface ParsedAuthEnvelopedData {
  readonly recipientInfos: readonly ParsedRecipientInfo[];
  readonly encryptedContentInfo: EncryptedContentInfo;
  readonly mac: Uint8Array;
  /** Additional authenticated data for GCM: authAttrs re-tagged as SET OF, or empty. */
  readonly aad: Uint8Array;
}

export function readAuthEnvelopedData(block: Block): ParsedAuthEnvelopedData {
  const fields = sequenceOf(block, 'AuthEnvelopedData');
  if (smallIntOf(fields[0], 'AuthEnvelopedData version', 4) !== 0) throw new CachetError('cms/malformed', 'bad AuthEnvelopedData version');
  let next = 1;
  if (isContext(fields[next], 0)) next++;
  const recipientInfos = readRecipientInfos(fields[next]);
  const encryptedContentInfo = readEncryptedContentInfo(fields[next + 1]);
  if (!encryptedContentInfo.algorithm.cipher.endsWith('-gcm')) {
    throw new CachetError('cms/unsupported', 'AuthEnvelopedData with a cipher that does not authenticate');
  }
  next += 2;
  let aad: Uint8Array = new Uint8Array(0);
  if (isContext(fields[next], 1)) {
    const received = encodingOf(fields[next]!);
    aad = concatBytes([Uint8Array.of(0x31), received.subarray(1)]);
    next++;
  }
  const mac = octetStringOf(fields[next], 'AuthEnvelopedData mac');
  // Only unauthAttrs [2] may follow the mac, once (RFC 5083 §2.1).
  const extra = fields.slice(next + 1);
  if (extra.length > 1 || (extra[0] !== undefined && !isContext(extra[0], 2))) throw new CachetError('cms/malformed', 'unexpected field in AuthEnvelopedData');
  if (encryptedContentInfo.contentType !== OID_DATA && aad.length === 0) {
    // RFC 5083 §2.1: a content type other than id-data must be authenticated in authAttrs.
    throw new CachetError('cms/malformed', 'AuthEnvelopedData of non-data content without authAttrs');
  }
  return { recipientInfos, encryptedContentInfo, mac, aad };
}
