/**
 * Reads a message as a mail reader does (B15, B17): unwraps the layers of its body from the
 * outside in, decrypting with whichever key fits and checking every signature, and returns
 * the layers in order with the innermost entity, which is what is shown. Which layers are
 * opened and which signatures are shown follows Thunderbird, whose tests (the corpus in
 * ../shared/corpora/thunderbird-smime) are the public record of what readers do:
 *
 * - Only the body chain is followed: signature and encryption layers that are the whole
 *   message body. An S/MIME part inside multipart/mixed or an attached message is content,
 *   not a layer of this message (EFAIL: decrypted text must not be spliced into a message
 *   someone else wrote).
 * - The outermost signature around an encrypted body is a transport signature (an MTA
 *   signing what it relays), not the author's: it is checked but not shown (Thunderbird
 *   bug 1806161).
 * - Encryption inside a shown signature is not opened: S/MIME binds no layer to the next,
 *   so whoever signed may have wrapped ciphertext they could not read, to get it decrypted.
 * - An opaque signature inside a shown opaque signature is not opened, as Thunderbird's
 *   tests expect: a signature nested that way could be there to change which signer is
 *   shown. Nested signatures that involve multipart/signed are all shown and each is judged.
 *
 * Each signer's signing time is held against the Date of the message as received.
 */
import { CachetError } from '../errors';
import { headerValue } from '../mime/part-access';
import { parseMessage } from '../mime/parse';
import type { MimePart, SmimeKind } from '../mime/types';
import type { CmsCrypto } from './cms-crypto';
import type { DecryptedContent } from './decrypt';
import type { KeyOperator } from './key-operator';
import { decryptPart, isEncryptedPart } from './smime-envelope';
import { checkSigningTime, verifySignedPart, type SignedLayer, type SmimeVerifyOptions } from './smime-verify';

export type ReadLayer =
  | { readonly kind: 'encrypted'; readonly decrypted: DecryptedContent }
  /** `shown: false` for a transport signature: checked and reported, but not the message's. */
  | { readonly kind: 'signed'; readonly layer: SignedLayer; readonly shown: boolean }
  | { readonly kind: 'not-opened'; readonly smimeKind: SmimeKind; readonly reason: string };

export interface ReadResult {
  readonly root: MimePart;
  /** Outermost first. */
  readonly layers: readonly ReadLayer[];
  /** The innermost entity opened: what the reader shows. */
  readonly content: MimePart;
  readonly encrypted: boolean;
  /** At least one shown signature. */
  readonly signed: boolean;
  readonly from?: string;
}

export type KeySource = readonly KeyOperator[] | (() => Promise<readonly KeyOperator[]> | readonly KeyOperator[]);

export interface ReadOptions extends Omit<SmimeVerifyOptions, 'messageDate'> {
  readonly crypto: CmsCrypto;
  /**
   * Keys to try on encrypted layers; none means an encrypted layer cannot be opened. A
   * function is called only when an encrypted layer is reached, so a signed-only message
   * never wakes the key store (or asks for a smart card's PIN).
   */
  readonly operators: KeySource;
  /**
   * The message's octets are the reader's to reuse, as when it has just read them from a
   * file: each encrypted layer is decoded and decrypted where it lies (`decryptPart`), so
   * the message and its plaintext are not held side by side. The encrypted bodies in the
   * message, and in the layers returned, are overwritten; header fields and every other
   * part stay as they were. Signatures around an encrypted layer are checked before it is
   * opened.
   */
  readonly consumeSource?: boolean;
}

/** Triple wrap is three layers; beyond this, nesting only costs time. */
const MAX_LAYERS = 12;

const ENCRYPTION_UNDER_SIGNATURE = 'encryption inside a signature is not opened: the signer need not be the one who encrypted';
const OPAQUE_UNDER_OPAQUE = 'an opaque signature inside an opaque signature is not opened';

function isSigned(part: MimePart): boolean {
  return part.smimeKind === 'multipart-signed' || part.smimeKind === 'signed-data';
}

export async function readMessage(message: Uint8Array | MimePart, options: ReadOptions): Promise<ReadResult> {
  const root = message instanceof Uint8Array ? parseMessage(message) : message;
  const date = headerValue(root, 'date');
  const from = headerValue(root, 'from');
  const { crypto, operators: keys, signingTimeToleranceMs, consumeSource, ...given } = options;
  const verifyOptions = crypto.incrementalDigest ? { ...given, incrementalDigest: crypto.incrementalDigest } : given;
  let operators: readonly KeyOperator[] | undefined = typeof keys === 'function' ? undefined : keys;
  const layers: ReadLayer[] = [];
  let current = root;
  let insideShownSignature = false;
  let insideShownOpaque = false;
  while (isSigned(current) || isEncryptedPart(current)) {
    if (layers.length >= MAX_LAYERS) throw new CachetError('mime/too-deep', `more than ${MAX_LAYERS} S/MIME layers`);
    if (isEncryptedPart(current)) {
      if (insideShownSignature) {
        layers.push({ kind: 'not-opened', smimeKind: current.smimeKind, reason: ENCRYPTION_UNDER_SIGNATURE });
        break;
      }
      operators ??= await (keys as () => Promise<readonly KeyOperator[]> | readonly KeyOperator[])();
      if (operators.length === 0) throw new CachetError('key/unavailable', 'the message is encrypted and no key to decrypt it is available');
      const decrypted = await decryptPart(crypto, current, operators, { consumeSource: consumeSource === true });
      layers.push({ kind: 'encrypted', decrypted });
      current = parseMessage(decrypted.content);
      continue;
    }
    if (insideShownOpaque && current.smimeKind === 'signed-data') {
      layers.push({ kind: 'not-opened', smimeKind: current.smimeKind, reason: OPAQUE_UNDER_OPAQUE });
      break;
    }
    const layer = checkSigningTime(await verifySignedPart(current, verifyOptions), date, signingTimeToleranceMs);
    if (!layer.content) {
      // An opaque signature that cannot be read hides the whole message.
      throw new CachetError(layer.error?.code ?? 'cms/malformed', `the signed content cannot be read: ${layer.error?.message ?? layer.status}`);
    }
    const transport = current === root && isEncryptedPart(layer.content);
    layers.push({ kind: 'signed', layer, shown: !transport });
    if (!transport) {
      insideShownSignature = true;
      insideShownOpaque ||= layer.kind === 'signed-data';
    }
    current = layer.content;
  }
  return {
    root,
    layers,
    content: current,
    encrypted: layers.some((l) => l.kind === 'encrypted'),
    signed: layers.some((l) => l.kind === 'signed' && l.shown),
    ...(from === undefined ? {} : { from }),
  };
}
