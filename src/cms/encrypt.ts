/**
 * Encrypts a MIME entity for S/MIME (B14): one fresh content key, encrypted to every
 * recipient and to the sender's own certificate so that Sent mail stays readable.
 * CBC ciphers give EnvelopedData, GCM ciphers AuthEnvelopedData (RFC 8551 §2.7).
 */
import { CachetError } from '../errors';
import type { CmsCrypto } from './cms-crypto';
import { buildAuthEnvelopedData } from './auth-enveloped-data';
import type { WritableCbcCipher, WritableGcmCipher } from './content-encryption';
import { bytesEqual } from './digest';
import type { EnvelopeKind } from './decrypt';
import { contentRun, wholeContent, type ContentRun } from './content-run';
import { joinStreamedDer, wholeDer, type StreamedDer } from './der-writer';
import { streamEnvelopedData } from './enveloped-data';
import type { HashName } from './key-operator';
import { readRecipientCertificate, type RecipientCertificate } from './recipient-certificate';
import type { KeyTransportChoice } from './recipient-info-ktri';

export type ContentCipherChoice = WritableCbcCipher | WritableGcmCipher;

/** A recipient certificate with, optionally, the key transport it announced. */
export interface EncryptRecipient {
  readonly certificate: Uint8Array;
  readonly keyTransport?: KeyTransportChoice;
}

export interface EncryptOptions {
  /** DER certificates of the recipients. */
  readonly recipients: readonly (Uint8Array | EncryptRecipient)[];
  /** DER certificate of the sender, added as a recipient (B14). */
  readonly sender?: Uint8Array;
  /** Default aes-256-cbc (DESIGN.md, Choices: capabilities unknown). */
  readonly cipher?: ContentCipherChoice;
  /** Default RSAES-PKCS1-v1_5 (DESIGN.md, Choices). */
  readonly keyTransport?: KeyTransportChoice;
  readonly preferSubjectKeyIdentifier?: boolean;
  readonly kdfHash?: HashName;
}

export const MAX_RECIPIENTS = 1000;

/** Returns the DER ContentInfo (EnvelopedData or AuthEnvelopedData). */
export async function encryptContent(crypto: CmsCrypto, content: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  return joinStreamedDer((await streamEncryptedContent(crypto, contentRun([content]), options)).der);
}

/**
 * The ContentInfo for `content`, a run of pieces, with its ciphertext written
 * when the caller asks for it (CBC: slice by slice, straight into the caller's output), and
 * which of the two structures it is.
 */
export async function streamEncryptedContent(
  crypto: CmsCrypto,
  content: ContentRun,
  options: EncryptOptions,
): Promise<{ der: StreamedDer; kind: EnvelopeKind }> {
  const entries: EncryptRecipient[] = [];
  const all = [...options.recipients, ...(options.sender ? [options.sender] : [])];
  for (const item of all) {
    const entry = item instanceof Uint8Array ? { certificate: item } : item;
    if (!entries.some((e) => bytesEqual(e.certificate, entry.certificate))) entries.push(entry);
  }
  if (entries.length === 0) throw new CachetError('cms/no-recipient', 'no recipient certificates');
  if (entries.length > MAX_RECIPIENTS) throw new CachetError('input/invalid', 'too many recipients');
  const announced = new Map<RecipientCertificate, KeyTransportChoice>();
  const recipients = entries.map((entry) => {
    const cert = readRecipientCertificate(entry.certificate);
    if (entry.keyTransport) announced.set(cert, entry.keyTransport);
    return cert;
  });
  const cipher = options.cipher ?? 'aes-256-cbc';
  const common = {
    keyTransport: options.keyTransport ?? { name: 'RSAES-PKCS1-v1_5' as const },
    keyTransportFor: (cert: RecipientCertificate) => announced.get(cert),
    preferSubjectKeyIdentifier: options.preferSubjectKeyIdentifier ?? false,
    ...(options.kdfHash ? { kdfHash: options.kdfHash } : {}),
  };
  if (cipher === 'aes-128-gcm' || cipher === 'aes-256-gcm') {
    // WebCrypto's AES-GCM cannot be chained across calls: the content is joined, once.
    const whole = await wholeContent(content);
    return { der: wholeDer(await buildAuthEnvelopedData(crypto, whole, recipients, { ...common, cipher })), kind: 'auth-enveloped-data' };
  }
  return { der: await streamEnvelopedData(crypto, content, recipients, { ...common, cipher }), kind: 'enveloped-data' };
}
