/**
 * Opens EnvelopedData and AuthEnvelopedData (B15): finds the RecipientInfo addressed to
 * one of the given key operators' certificates, has the operator unwrap the content key
 * (the private key never leaves it), then decrypts the content here.
 *
 * Every failure after a recipient was found is reported as 'cms/decrypt-failed' with the
 * same message, whether the key unwrap, the padding or the GCM tag failed, so that the
 * error says nothing an attacker could use as an oracle.
 */
import { CachetError, isCachetError } from '../errors';
import type { CmsCrypto } from './cms-crypto';
import { childrenOf, isContext, oidOf, parseBer, sequenceOf } from './der-reader';
import { readAuthEnvelopedData } from './auth-enveloped-data';
import { decryptCbc, decryptGcm, type ContentCipherName } from './content-encryption';
import { readEnvelopedData } from './enveloped-data';
import { walkEnvelopedData } from './enveloped-data-walk';
import type { KeyOperator } from './key-operator';
import { OID_AUTH_ENVELOPED_DATA, OID_ENVELOPED_DATA } from './oids';
import { readRecipientCertificate, type RecipientCertificate } from './recipient-certificate';
import { recipientIdMatches } from './recipient-identifier';
import { unwrapKeyAgree } from './recipient-info-kari';
import { unwrapKeyTrans } from './recipient-info-ktri';
import type { ParsedRecipientInfo } from './recipient-infos';

export interface DecryptedContent {
  /** The decrypted content: for S/MIME, a complete MIME entity. */
  readonly content: Uint8Array;
  /** The encapsulated content type (id-data for S/MIME). */
  readonly contentType: string;
  /** True for AuthEnvelopedData, whose content is integrity-protected. */
  readonly authenticated: boolean;
  readonly cipher: ContentCipherName;
  /** The operator whose key opened the message. */
  readonly operator: KeyOperator;
}

export type EnvelopeKind = 'enveloped-data' | 'auth-enveloped-data';

/** Parses a ContentInfo and returns its type and [0] content. */
function readContentInfo(der: Uint8Array): { kind: EnvelopeKind; content: ReturnType<typeof parseBer> } {
  const [typeBlock, contentBlock] = sequenceOf(parseBer(der, 'CMS ContentInfo', 'cms/malformed'), 'ContentInfo');
  const type = oidOf(typeBlock, 'ContentInfo contentType');
  if (!isContext(contentBlock, 0)) throw new CachetError('cms/malformed', 'ContentInfo without content');
  const [content] = childrenOf(contentBlock, 'ContentInfo content');
  if (!content) throw new CachetError('cms/malformed', 'ContentInfo without content');
  if (type === OID_ENVELOPED_DATA) return { kind: 'enveloped-data', content };
  if (type === OID_AUTH_ENVELOPED_DATA) return { kind: 'auth-enveloped-data', content };
  throw new CachetError('cms/unsupported', `not an encrypted message (content type ${type})`);
}

/**
 * EnvelopedData is read with its ciphertext found by a BER walk (streamed messages hold
 * it in thousands of pieces); anything the walk does not take, and AuthEnvelopedData, by
 * asn1js as a whole.
 */
function parseEnvelope(der: Uint8Array, derOwned: boolean) {
  const walked = walkEnvelopedData(der, derOwned);
  if (walked) return { ...walked, auth: undefined };
  const { kind, content } = readContentInfo(der);
  if (kind === 'enveloped-data') return { ...readEnvelopedData(content, derOwned), auth: undefined };
  const { mac, aad, ...rest } = readAuthEnvelopedData(content);
  return { ...rest, auth: { mac, aad } };
}

interface Candidate {
  readonly operator: KeyOperator;
  readonly certificate: RecipientCertificate;
  unwrap(crypto: CmsCrypto): Promise<Uint8Array>;
}

function candidatesFor(infos: readonly ParsedRecipientInfo[], operators: readonly KeyOperator[]): Candidate[] {
  const found: Candidate[] = [];
  for (const operator of operators) {
    let certificate: RecipientCertificate;
    try {
      certificate = readRecipientCertificate(operator.certificate);
    } catch {
      continue; // a key whose certificate Cachet cannot use cannot be the recipient either
    }
    for (const ri of infos) {
      if (ri.kind === 'ktri' && certificate.key.kind === 'rsa' && recipientIdMatches(ri.info.rid, certificate)) {
        const info = ri.info;
        found.push({ operator, certificate, unwrap: () => unwrapKeyTrans(info, operator) });
      } else if (ri.kind === 'kari' && certificate.key.kind === 'ec') {
        const info = ri.info;
        const curve = certificate.key.curve;
        for (const rek of info.recipientEncryptedKeys) {
          if (!recipientIdMatches(rek.rid, certificate)) continue;
          found.push({ operator, certificate, unwrap: (crypto) => unwrapKeyAgree(crypto, info, rek.encryptedKey, operator, curve) });
        }
      }
    }
  }
  return found;
}

const FAILED = 'the message could not be decrypted (wrong key or tampered message)';

export interface DecryptEnvelopeOptions {
  /**
   * `der` is a buffer of the caller's own that nothing reads after this call (base64
   * just decoded), so the plaintext may be written over the ciphertext in it.
   */
  readonly derOwned?: boolean;
}

export async function decryptEnvelope(
  crypto: CmsCrypto,
  der: Uint8Array,
  operators: readonly KeyOperator[],
  options: DecryptEnvelopeOptions = {},
): Promise<DecryptedContent> {
  const parsed = parseEnvelope(der, options.derOwned === true);
  const candidates = candidatesFor(parsed.recipientInfos, operators);
  if (candidates.length === 0) {
    const unsupported = parsed.recipientInfos.flatMap((ri) => (ri.kind === 'other' && ri.unsupported ? [ri.unsupported] : []));
    // A RecipientInfo Cachet cannot parse might be ours: say why rather than "not for you".
    if (unsupported.length > 0) throw new CachetError('cms/unsupported', `no usable recipient: ${unsupported[0]}`);
    throw new CachetError('cms/no-recipient', 'the message is not encrypted to any available key');
  }
  const { contentType, algorithm, ciphertext } = parsed.encryptedContentInfo;
  // A ciphertext joined from BER pieces is a buffer of its own.
  const ciphertextOwned = options.derOwned === true || ciphertext.buffer !== der.buffer;
  let lastError: unknown;
  for (const [index, candidate] of candidates.entries()) {
    let cek: Uint8Array | undefined;
    try {
      cek = await candidate.unwrap(crypto);
      // Only the last key to try may decrypt in place: a wrong key before it must leave the ciphertext intact.
      const owned = ciphertextOwned && index === candidates.length - 1;
      const plain = parsed.auth
        ? await decryptGcm(crypto, algorithm, cek, ciphertext, parsed.auth.mac, parsed.auth.aad)
        : await decryptCbc(crypto, algorithm, cek, { bytes: ciphertext, owned });
      return { content: plain, contentType, authenticated: parsed.auth !== undefined, cipher: algorithm.cipher, operator: candidate.operator };
    } catch (error) {
      if (isCachetError(error) && error.code !== 'cms/decrypt-failed' && error.code !== 'key/operation-failed') throw error;
      lastError = error;
    } finally {
      cek?.fill(0);
    }
  }
  throw new CachetError('cms/decrypt-failed', FAILED, { cause: lastError });
}
