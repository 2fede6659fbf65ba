/**
 * A whole RFC 5322 message made into its S/MIME form: signed (B12), encrypted (B14), or
 * both (B16), as RFC 8551 §3.7 allows the layers to nest. With both, the default is the
 * triple wrap of RFC 2634 §1.1: the content is signed, the signed entity encrypted, and
 * the encrypted entity signed again, so that the outer signature can be checked (and the
 * message filtered) without decrypting, while the inner one still proves who wrote the
 * content once it is decrypted. Without the triple wrap it is sign, then encrypt, so the
 * signature stays hidden from everyone but the recipients (RFC 8551 §3.7).
 *
 * The message's own header fields (From, To, Subject, Date, Message-ID, …) stay outside
 * every layer and MIME-Version is written once; only Content-* fields and the body go in.
 */
import { asciiBytes, concatBytes } from '../mime/byte-sink';
import { parseMessage } from '../mime/parse';
import { randomBytes, type CmsCrypto } from './cms-crypto';
import { digest } from './digest';
import type { SigningHash } from './signed-data-sign';
import type { MimePart } from '../mime/types';
import type { EncryptOptions } from './encrypt';
import { checkedSignableEntity, outerFields, signableRun, type CheckedEntity } from './signable-entity';
import { signedEnvelopeMessage } from './signed-envelope';
import { encryptedEntity, innerEntity } from './smime-envelope';
import { signedEntityPieces, signedEntityRun, type SmimeSignOptions } from './smime-sign';
import { contentRun } from './content-run';

/**
 * Signing as `signSmimeEntity` does it; the platform crypto comes from `protectMessage`,
 * and so do each signature's content digest and what the canonical check found.
 */
export type ProtectSignOptions = Omit<SmimeSignOptions, 'subtle' | 'randomBytes' | 'contentDigest' | 'dashLines'>;

export interface ProtectOptions {
  readonly sign?: ProtectSignOptions;
  readonly encrypt?: EncryptOptions;
  /** B16: with both sign and encrypt, sign again outside the encryption (RFC 2634 §1.1). */
  readonly tripleWrap?: boolean;
}

/**
 * The entity to sign, and its digest when that could start early. The entity is usually
 * the message's own octets from its Content-* fields on: their digest is started on the
 * platform's threads at once, and the canonical check reads the same octets here
 * meanwhile. The digest is kept only if the check leaves those octets as the entity.
 */
function entityAndDigest(crypto: CmsCrypto, root: MimePart, hash: SigningHash): CheckedEntity & { contentDigest?: Promise<Uint8Array> } {
  const run = signableRun(root);
  const early = run ? digest(crypto.subtle, hash, run) : undefined;
  early?.catch(() => undefined); // awaited by the signature, or not needed
  const checked = checkedSignableEntity(root, run);
  return early && checked.entity === run ? { ...checked, contentDigest: early } : checked;
}

/**
 * The complete protected message as pieces to be written one after another, some of them
 * views of `message` (the content a clear signature covers): a command writing a file has
 * no need to join them, which for a large message would copy it once more. With neither
 * layer asked, the message unchanged.
 */
export async function protectMessagePieces(crypto: CmsCrypto, message: Uint8Array, options: ProtectOptions): Promise<Uint8Array[]> {
  const { sign, encrypt } = options;
  if (!sign && !encrypt) return [message];
  const root = parseMessage(message);

  const prefix = [...outerFields(root), asciiBytes('MIME-Version: 1.0\r\n')];

  // Content to be signed must be 7-bit canonical (RFC 8551 §3.1), which signableEntity
  // has checked; content that is only encrypted travels inside base64 and keeps its own
  // encoding. Each layer hands the next a list of pieces (views where it can).
  if (!sign) return encrypt ? [await encryptedEntity(crypto, [innerEntity(root)], encrypt, prefix)] : [message];
  const signing: SmimeSignOptions = { ...sign, subtle: crypto.subtle, randomBytes: (length) => randomBytes(crypto, length) };
  const { entity, dashLines, contentDigest } = entityAndDigest(crypto, root, sign.hash ?? 'SHA-256');
  const inner: SmimeSignOptions = { ...signing, ...(contentDigest ? { contentDigest } : {}), ...(dashLines ? { dashLines } : {}) };
  if (!encrypt) return [...prefix, ...(await signedEntityPieces(entity, inner, 'known-canonical'))];
  // Encryption starts on the signed entity while its signature is still being made, when
  // the signature's length is known in advance (RSA); otherwise it waits for the signature.
  const content = signedEntityRun(entity, inner, 'known-canonical') ??
    contentRun(await signedEntityPieces(entity, inner, 'known-canonical'));
  if (!options.tripleWrap) return [await encryptedEntity(crypto, content, encrypt, prefix)];
  const { opaque, ...clearSigning } = sign;
  if (!opaque) return [await signedEnvelopeMessage(crypto, prefix, content, encrypt, clearSigning)];
  // The envelope entity is Cachet's own output, canonical by construction.
  const envelope = await encryptedEntity(crypto, content, encrypt, []);
  return [...prefix, ...(await signedEntityPieces(envelope, signing, 'known-canonical'))];
}

/** `protectMessagePieces` in one buffer (the one piece itself when there is only one). */
export async function protectMessage(crypto: CmsCrypto, message: Uint8Array, options: ProtectOptions): Promise<Uint8Array> {
  const pieces = await protectMessagePieces(crypto, message, options);
  return pieces.length === 1 ? (pieces[0] as Uint8Array) : concatBytes(pieces);
}
