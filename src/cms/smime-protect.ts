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
import { encryptContent, type EncryptOptions } from './encrypt';
import { outerFields, signableEntity } from './signable-entity';
import { envelopeEntity, innerEntity } from './smime-envelope';
import { signSmimeEntity, type SmimeSignOptions } from './smime-sign';

/** Signing as `signSmimeEntity` does it; the platform crypto comes from `protectMessage`. */
export type ProtectSignOptions = Omit<SmimeSignOptions, 'subtle' | 'randomBytes'>;

export interface ProtectOptions {
  readonly sign?: ProtectSignOptions;
  readonly encrypt?: EncryptOptions;
  /** B16: with both sign and encrypt, sign again outside the encryption (RFC 2634 §1.1). */
  readonly tripleWrap?: boolean;
}

/** Returns the complete protected message; with neither layer asked, the message unchanged. */
export async function protectMessage(crypto: CmsCrypto, message: Uint8Array, options: ProtectOptions): Promise<Uint8Array> {
  const { sign, encrypt } = options;
  if (!sign && !encrypt) return message;
  const root = parseMessage(message);

  const signed = (entity: Uint8Array, signing: ProtectSignOptions) =>
    signSmimeEntity(entity, { ...signing, subtle: crypto.subtle, randomBytes: (length) => randomBytes(crypto, length) });
  const encrypted = async (entity: Uint8Array, encryption: EncryptOptions) => {
    const der = await encryptContent(crypto, entity, encryption);
    // encryptContent writes AuthEnvelopedData exactly for the GCM ciphers (RFC 5083, RFC 5084).
    const gcm = encryption.cipher === 'aes-128-gcm' || encryption.cipher === 'aes-256-gcm';
    return envelopeEntity(der, gcm ? 'auth-enveloped-data' : 'enveloped-data');
  };

  // Content to be signed must be 7-bit canonical (RFC 8551 §3.1); content that is only
  // encrypted travels inside base64 and keeps its own encoding.
  let entity = sign ? signableEntity(root) : innerEntity(root);
  if (sign) entity = await signed(entity, sign);
  if (encrypt) entity = await encrypted(entity, encrypt);
  if (sign && encrypt && options.tripleWrap) entity = await signed(entity, sign);
  return concatBytes([...outerFields(root), asciiBytes('MIME-Version: 1.0\r\n'), entity]);
}
