/**
 * EnvelopedData (RFC 5652 §6.1) with AES-CBC content encryption (RFC 3565), wrapped in a
 * ContentInfo. AES-GCM is never written here: authenticated ciphers belong in
 * AuthEnvelopedData (RFC 5084 §1), and OpenSSL rejects GCM inside EnvelopedData.
 *
 * EnvelopedData ::= SEQUENCE {
 *   version CMSVersion,
 *   originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *   recipientInfos RecipientInfos,
 *   encryptedContentInfo EncryptedContentInfo,
 *   unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
 */
import { CachetError } from '../errors';
import { randomBytes, type CmsCrypto } from './cms-crypto';
import { isContext, sequenceOf, setOf, smallIntOf, type Block } from './der-reader';
import type { ContentRun } from './content-run';
import { concatBytes, integer, oid, setOf as encodeSetOf, wrapPieces, type StreamedDer } from './der-writer';
import { cbcCiphertextLength, cbcEncryptor, keyLengthOf, newContentAlgorithm, type WritableCbcCipher } from './content-encryption';
import { encryptedContentInfoHead, readEncryptedContentInfo, type EncryptedContentInfo } from './encrypted-content-info';
import { OID_DATA, OID_ENVELOPED_DATA } from './oids';
import type { RecipientCertificate } from './recipient-certificate';
import { buildRecipientInfos, readRecipientInfos, type ParsedRecipientInfo, type RecipientOptions } from './recipient-infos';

export interface EnvelopeOptions extends RecipientOptions {
  readonly cipher: WritableCbcCipher;
}

/**
 * Encrypts `content` (the MIME entity, id-data, as a run of pieces) to every recipient;
 * returns the ContentInfo with its ciphertext still to be written, so that it can go
 * straight into the output slice by slice.
 */
export async function streamEnvelopedData(
  crypto: CmsCrypto,
  content: ContentRun,
  recipients: readonly RecipientCertificate[],
  options: EnvelopeOptions,
): Promise<StreamedDer> {
  const cek = randomBytes(crypto, keyLengthOf(options.cipher));
  const infos = await buildRecipientInfos(crypto, recipients, cek, options);
  const algorithm = newContentAlgorithm(crypto, options.cipher);
  const encrypt = await cbcEncryptor(crypto, algorithm, cek);
  cek.fill(0);
  const ciphertextLength = cbcCiphertextLength(content.length);
  // RFC 5652 §6.1: version 0 only when every RecipientInfo is version 0 and nothing optional is present.
  const version = infos.allVersion0 ? 0 : 2;
  const envelopedData = wrapPieces(
    0x30,
    [integer(version), encodeSetOf(infos.encoded), ...encryptedContentInfoHead(OID_DATA, algorithm, ciphertextLength)],
    ciphertextLength,
  );
  const contentInfo = wrapPieces(0x30, [oid(OID_ENVELOPED_DATA), ...wrapPieces(0xa0, envelopedData, ciphertextLength)], ciphertextLength);
  return { head: concatBytes(contentInfo), tailLength: ciphertextLength, writeTail: (sink) => encrypt(content, sink) };
}

export interface ParsedEnvelopedData {
  readonly recipientInfos: readonly ParsedRecipientInfo[];
  readonly encryptedContentInfo: EncryptedContentInfo;
}

/**
 * Reads the EnvelopedData inside a ContentInfo's [0]; `joinInPlace` when the input is the
 * caller's own buffer, which chunked ciphertext may then be joined in.
 */
export function readEnvelopedData(block: Block, joinInPlace = false): ParsedEnvelopedData {
  const fields = sequenceOf(block, 'EnvelopedData');
  return envelopedDataOf(fields.length, (i) => fields[i], (i) => readEncryptedContentInfo(fields[i], joinInPlace));
}

/**
 * The EnvelopedData rules over its `count` fields, given one by one (`field`), with the
 * EncryptedContentInfo read by `encryptedContent` from the field at the index given.
 */
export function envelopedDataOf(
  count: number,
  field: (index: number) => Block | undefined,
  encryptedContent: (index: number) => EncryptedContentInfo,
): ParsedEnvelopedData {
  const version = smallIntOf(field(0), 'EnvelopedData version', 4);
  if (version > 4) throw new CachetError('cms/malformed', 'bad EnvelopedData version');
  let next = 1;
  if (isContext(field(next), 0)) next++; // originatorInfo: certificates and CRLs, not needed to decrypt
  const infos = field(next);
  setOf(infos, 'RecipientInfos');
  const recipientInfos = readRecipientInfos(infos);
  if (next + 1 >= count) throw new CachetError('cms/malformed', 'EnvelopedData without EncryptedContentInfo');
  const encryptedContentInfo = encryptedContent(next + 1);
  // Only unprotectedAttrs [1] may follow, once (RFC 5652 §6.1): a flood of fields there
  // is refused by its count, before any of them is parsed.
  if (count > next + 3) throw new CachetError('cms/malformed', 'unexpected fields after EnvelopedData\'s EncryptedContentInfo');
  if (count === next + 3 && !isContext(field(next + 2), 1)) throw new CachetError('cms/malformed', 'unexpected field in EnvelopedData');
  if (encryptedContentInfo.algorithm.cipher.endsWith('-gcm')) {
    throw new CachetError('cms/malformed', 'AES-GCM inside EnvelopedData (RFC 5084 requires AuthEnvelopedData)');
  }
  return { recipientInfos, encryptedContentInfo };
}
