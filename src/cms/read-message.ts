/**
 * Reads a message as a mail client does (B15, B17): unwraps every layer from the outside
 * in, decrypting encrypted layers with whichever key fits and verifying every signed
 * layer, and returns the layers in order with the innermost entity, which is what is
 * shown. The From and Date of the message as received apply to every inner layer.
 */
import { CachetError } from '../errors';
import { headerValue } from '../mime/part-access';
import { parseMessage } from '../mime/parse';
import type { MimePart } from '../mime/types';
import type { CmsCrypto } from './cms-crypto';
import type { ContentCipherName } from './content-encryption';
import type { EnvelopeKind } from './decrypt';
import type { KeyOperator } from './key-operator';
import { decryptPart, isEncryptedPart } from './smime-envelope';
import { verifySmime, type SignedLayer, type SmimeVerifyOptions } from './smime-verify';

export type ReadLayer =
  | { readonly kind: 'encrypted'; readonly envelope: EnvelopeKind; readonly cipher: ContentCipherName; readonly authenticated: boolean; readonly operator: KeyOperator }
  | { readonly kind: 'signed'; readonly layer: SignedLayer };

export interface ReadResult {
  readonly root: MimePart;
  /** Outermost first. */
  readonly layers: readonly ReadLayer[];
  /** The innermost entity: what the reader shows. */
  readonly content: MimePart;
  readonly encrypted: boolean;
  readonly signed: boolean;
  readonly from?: string;
}

export interface ReadOptions extends Omit<SmimeVerifyOptions, 'messageDate'> {
  readonly crypto: CmsCrypto;
  /**
   * Keys to try on encrypted layers; none means an encrypted layer cannot be opened. A
   * function is called only when an encrypted layer is reached, so a signed-only message
   * never wakes the key store (or asks for a smart card).
   */
  readonly operators: readonly KeyOperator[] | (() => Promise<readonly KeyOperator[]>);
}

/** Mail nests a few layers (triple wrap is three); more is only a way to spend time. */
const MAX_LAYERS = 12;

export async function readMessage(message: Uint8Array | MimePart, options: ReadOptions): Promise<ReadResult> {
  const root = message instanceof Uint8Array ? parseMessage(message) : message;
  const date = headerValue(root, 'date');
  const from = headerValue(root, 'from');
  const { crypto, operators: keys, ...verifyOptions } = options;
  let operators: readonly KeyOperator[] | undefined = typeof keys === 'function' ? undefined : keys;
  const layers: ReadLayer[] = [];
  let current = root;
  for (;;) {
    const verified = await verifySmime(current, { ...verifyOptions, ...(date === undefined ? {} : { messageDate: date }) });
    for (const layer of verified.layers) layers.push({ kind: 'signed', layer });
    current = verified.inner;
    if (!isEncryptedPart(current)) break;
    if (layers.length >= MAX_LAYERS) throw new CachetError('mime/too-deep', `more than ${MAX_LAYERS} S/MIME layers`);
    operators ??= await (keys as () => Promise<readonly KeyOperator[]>)();
    if (operators.length === 0) throw new CachetError('key/unavailable', 'the message is encrypted and no key to decrypt it is available');
    const decrypted = await decryptPart(crypto, current, operators);
    layers.push({
      kind: 'encrypted',
      envelope: current.smimeKind === 'auth-enveloped-data' ? 'auth-enveloped-data' : 'enveloped-data',
      cipher: decrypted.cipher,
      authenticated: decrypted.authenticated,
      operator: decrypted.operator,
    });
    current = parseMessage(decrypted.content);
  }
  return {
    root,
    layers,
    content: current,
    encrypted: layers.some((l) => l.kind === 'encrypted'),
    signed: layers.some((l) => l.kind === 'signed'),
    ...(from === undefined ? {} : { from }),
  };
}
