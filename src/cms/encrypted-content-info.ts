/**
 * EncryptedContentInfo (RFC 5652 §6.1), shared by EnvelopedData and AuthEnvelopedData:
 *
 * EncryptedContentInfo ::= SEQUENCE {
 *   contentType ContentType,
 *   contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
 *   encryptedContent [0] IMPLICIT EncryptedContent OPTIONAL }
 *
 * Written with the ciphertext as one primitive [0]; read in either form, since NSS and
 * streaming OpenSSL write it constructed in chunks.
 */
import { CachetError } from '../errors';
import { algorithmOf, isContext, octetsOf, oidOf, sequenceOf, type Block } from './der-reader';
import { oid, tlvHeader, wrapPieces, type Pieces } from './der-writer';
import { encodeContentAlgorithm, readContentAlgorithm, type ContentAlgorithm } from './content-encryption';

export interface EncryptedContentInfo {
  readonly contentType: string;
  readonly algorithm: ContentAlgorithm;
  readonly ciphertext: Uint8Array;
}

export function encodeEncryptedContentInfo(contentType: string, algorithm: ContentAlgorithm, ciphertext: Uint8Array): Pieces {
  return [...encryptedContentInfoHead(contentType, algorithm, ciphertext.length), ciphertext];
}

/** Everything of the EncryptedContentInfo before its ciphertext, which comes last. */
export function encryptedContentInfoHead(contentType: string, algorithm: ContentAlgorithm, ciphertextLength: number): Pieces {
  return wrapPieces(0x30, [oid(contentType), encodeContentAlgorithm(algorithm), tlvHeader(0x80, ciphertextLength)], ciphertextLength);
}

/**
 * `joinInPlace`: the input is the caller's own buffer, so chunked ciphertext (BER, as
 * streaming encoders write it) is joined where it lies instead of into a copy.
 */
export function readEncryptedContentInfo(block: Block | undefined, joinInPlace = false): EncryptedContentInfo {
  const [typeBlock, algBlock, contentBlock] = sequenceOf(block, 'EncryptedContentInfo');
  const present = isContext(contentBlock, 0);
  return encryptedContentInfoOf(typeBlock, algBlock, present, () => octetsOf(contentBlock, 'encryptedContent', 'cms/malformed', joinInPlace));
}

/** The fields read, the ciphertext only once the rest is known to be usable. */
export function encryptedContentInfoOf(
  typeBlock: Block | undefined,
  algBlock: Block | undefined,
  contentPresent: boolean,
  ciphertext: () => Uint8Array,
): EncryptedContentInfo {
  const contentType = oidOf(typeBlock, 'EncryptedContentInfo contentType');
  const algorithm = readContentAlgorithm(algorithmOf(algBlock, 'contentEncryptionAlgorithm'));
  // Detached encrypted content (absent [0]) is legal CMS but never S/MIME.
  if (!contentPresent) throw new CachetError('cms/unsupported', 'the encrypted content is not in the message');
  return { contentType, algorithm, ciphertext: ciphertext() };
}
