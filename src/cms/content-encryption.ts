/**
 * Content-encryption algorithms (RFC 3565 AES-CBC, RFC 5084 AES-GCM, RFC 3370 §5.1
 * des-ede3-cbc): their AlgorithmIdentifiers and the encryption itself. AES runs in
 * WebCrypto; 3DES, read only for old mail, in TypeScript.
 */
import { CachetError } from '../errors';
import { desEde3CbcDecrypt } from './ciphers/des-ede3-cbc';
import { ownBytes, randomBytes, type CmsCrypto } from './cms-crypto';
import { contentReader, type ContentRun } from './content-run';
import { octetStringOf, sequenceOf, smallIntOf, type AlgorithmIdentifierView } from './der-reader';
import { algorithmIdentifier, integer, octetString, sequence } from './der-writer';
import {
  OID_AES128_CBC,
  OID_AES128_GCM,
  OID_AES192_CBC,
  OID_AES192_GCM,
  OID_AES256_CBC,
  OID_AES256_GCM,
  OID_DES_EDE3_CBC,
} from './oids';

/** What Cachet writes. */
export type WritableCbcCipher = 'aes-128-cbc' | 'aes-256-cbc';
export type WritableGcmCipher = 'aes-128-gcm' | 'aes-256-gcm';
export type ContentCipherName = WritableCbcCipher | WritableGcmCipher | 'aes-192-cbc' | 'aes-192-gcm' | 'des-ede3-cbc';

interface CipherInfo {
  readonly oid: string;
  readonly mode: 'cbc' | 'gcm' | 'des';
  readonly keyLength: number;
}

const CIPHERS: Readonly<Record<ContentCipherName, CipherInfo>> = {
  'aes-128-cbc': { oid: OID_AES128_CBC, mode: 'cbc', keyLength: 16 },
  'aes-192-cbc': { oid: OID_AES192_CBC, mode: 'cbc', keyLength: 24 },
  'aes-256-cbc': { oid: OID_AES256_CBC, mode: 'cbc', keyLength: 32 },
  'aes-128-gcm': { oid: OID_AES128_GCM, mode: 'gcm', keyLength: 16 },
  'aes-192-gcm': { oid: OID_AES192_GCM, mode: 'gcm', keyLength: 24 },
  'aes-256-gcm': { oid: OID_AES256_GCM, mode: 'gcm', keyLength: 32 },
  'des-ede3-cbc': { oid: OID_DES_EDE3_CBC, mode: 'des', keyLength: 24 },
};

export function keyLengthOf(cipher: ContentCipherName): number {
  return CIPHERS[cipher].keyLength;
}

/** RFC 5084 §3.2: nonce of 12 octets recommended; ICV of 12 to 16 octets. */
export const GCM_NONCE_LENGTH = 12;
export const GCM_ICV_LENGTH = 16;

export interface ContentAlgorithm {
  readonly cipher: ContentCipherName;
  /** IV (CBC) or nonce (GCM). */
  readonly iv: Uint8Array;
  /** GCM only: the length of the authentication tag in bytes. */
  readonly icvLength: number;
}

export function readContentAlgorithm(algorithm: AlgorithmIdentifierView): ContentAlgorithm {
  const entry = (Object.entries(CIPHERS) as [ContentCipherName, CipherInfo][]).find(([, info]) => info.oid === algorithm.oid);
  if (!entry) throw new CachetError('cms/unsupported', `unsupported content encryption ${algorithm.oid}`);
  const [cipher, info] = entry;
  if (info.mode === 'gcm') {
    // GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen AES-GCM-ICVlen DEFAULT 12 }
    const [nonceBlock, icvBlock] = sequenceOf(algorithm.params, 'GCMParameters');
    const iv = octetStringOf(nonceBlock, 'GCM nonce');
    const icvLength = icvBlock ? smallIntOf(icvBlock, 'GCM ICV length', 16) : 12;
    if (iv.length < 1 || iv.length > 64 || icvLength < 12) throw new CachetError('cms/malformed', 'bad GCMParameters');
    return { cipher, iv, icvLength };
  }
  const iv = octetStringOf(algorithm.params, 'content encryption IV');
  if (iv.length !== (info.mode === 'des' ? 8 : 16)) throw new CachetError('cms/malformed', 'content encryption IV has the wrong length');
  return { cipher, iv, icvLength: 0 };
}

export function encodeContentAlgorithm(algorithm: ContentAlgorithm): Uint8Array {
  const info = CIPHERS[algorithm.cipher];
  if (info.mode === 'gcm') {
    // OpenSSL writes the ICV length even when it is the default; so do we, it is 16 anyway.
    return algorithmIdentifier(info.oid, sequence(octetString(algorithm.iv), integer(algorithm.icvLength)));
  }
  return algorithmIdentifier(info.oid, octetString(algorithm.iv));
}

export function newContentAlgorithm(crypto: CmsCrypto, cipher: WritableCbcCipher | WritableGcmCipher): ContentAlgorithm {
  const gcm = CIPHERS[cipher].mode === 'gcm';
  return { cipher, iv: randomBytes(crypto, gcm ? GCM_NONCE_LENGTH : 16), icvLength: gcm ? GCM_ICV_LENGTH : 0 };
}

async function aesKey(crypto: CmsCrypto, mode: 'AES-CBC' | 'AES-GCM', key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new CachetError('cms/decrypt-failed', 'content key has the wrong length (wrong key or tampered message)');
  }
  return crypto.subtle.importKey('raw', ownBytes(key), mode, false, [usage]);
}

/** CBC ciphertext length for `contentLength` octets: RFC 5652 §6.3 padding adds 1 to 16 octets. */
export function cbcCiphertextLength(contentLength: number): number {
  return contentLength - (contentLength % 16) + 16;
}

/**
 * Octets per WebCrypto call when encrypting in slices. CBC chains each slice to the one
 * before, so only one is ever being encrypted, and every call costs a round trip to the
 * platform's thread and a fresh output buffer: at 128 KiB, encrypting 25 MiB took 1.4
 * times as long as at 1 MiB (Node, WebCrypto alone). The first slice is small, so that
 * whoever writes the ciphertext out starts at once; each after it doubles, up to 1 MiB,
 * which also bounds the extra memory of WebCrypto's copy of its input and its output.
 */
const FIRST_CBC_SLICE = 1 << 16;
const LARGEST_CBC_SLICE = 1 << 20;

/**
 * CBC encryption with RFC 5652 §6.3 padding of the content run, handed to `sink` slice by
 * slice. WebCrypto's AES-CBC always pads, so each slice but the last is a whole number of
 * blocks encrypted with the previous slice's last ciphertext block as IV, and its padding
 * block dropped: the same chain, and so the same ciphertext, as one call. A slice that
 * reaches into content still to come waits for it; the slices before it go on meanwhile.
 * The key is imported before this returns, so the caller can wipe its copy at once.
 */
export async function cbcEncryptor(
  crypto: CmsCrypto,
  algorithm: ContentAlgorithm,
  key: Uint8Array,
): Promise<(content: ContentRun, sink: (ciphertext: Uint8Array) => void) => Promise<void>> {
  const cryptoKey = await aesKey(crypto, 'AES-CBC', key, 'encrypt');
  return async (content, sink) => {
    const take = contentReader(content);
    let left = content.length;
    let sliceLength = FIRST_CBC_SLICE;
    const start = (iv: Uint8Array<ArrayBuffer>) => {
      const last = left <= sliceLength;
      const length = last ? left : sliceLength;
      left -= length;
      sliceLength = Math.min(2 * sliceLength, LARGEST_CBC_SLICE);
      const plain = take(length);
      // Submitted at once when the octets are there, so it runs while the sink works.
      const encrypt = (octets: Uint8Array) => crypto.subtle.encrypt({ name: 'AES-CBC', iv }, cryptoKey, octets as Uint8Array<ArrayBuffer>);
      const sealed = plain instanceof Uint8Array ? encrypt(plain) : plain.then(encrypt);
      // Awaited below unless the sink throws first; then its outcome no longer matters.
      sealed.catch(() => undefined);
      return { last, length, sealed };
    };
    let slice = start(ownBytes(algorithm.iv));
    for (;;) {
      const sealed = new Uint8Array(await slice.sealed);
      if (slice.last) {
        sink(sealed);
        return;
      }
      const chained = sealed.subarray(0, slice.length);
      // The next slice is encrypted off the main thread while the sink writes this one.
      slice = start(chained.slice(slice.length - 16));
      sink(chained);
    }
  };
}

/** GCM encryption; returns ciphertext and tag separately, as AuthEnvelopedData stores them. */
export async function encryptGcm(
  crypto: CmsCrypto,
  algorithm: ContentAlgorithm,
  key: Uint8Array,
  content: Uint8Array,
  aad: Uint8Array,
): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }> {
  const cryptoKey = await aesKey(crypto, 'AES-GCM', key, 'encrypt');
  const params = { name: 'AES-GCM', iv: ownBytes(algorithm.iv), tagLength: algorithm.icvLength * 8, additionalData: ownBytes(aad) };
  const sealed = new Uint8Array(await crypto.subtle.encrypt(params, cryptoKey, content as Uint8Array<ArrayBuffer>));
  const split = sealed.length - algorithm.icvLength;
  return { ciphertext: sealed.subarray(0, split), tag: sealed.subarray(split) };
}

const DECRYPT_FAILED = 'content decryption failed (wrong key or tampered message)';

/**
 * RFC 5652 §6.3 padding: 1 to `blockSize` octets, each holding their count. Anything else
 * is the same failure as a wrong key, as WebCrypto reports it.
 */
function withoutPadding(blocks: Uint8Array, blockSize: number): Uint8Array {
  const count = blocks.at(-1) ?? 0;
  if (count < 1 || count > blockSize || count > blocks.length) throw new CachetError('cms/decrypt-failed', DECRYPT_FAILED);
  for (let i = blocks.length - count; i < blocks.length; i++) {
    if (blocks[i] !== count) throw new CachetError('cms/decrypt-failed', DECRYPT_FAILED);
  }
  return blocks.subarray(0, blocks.length - count);
}

/**
 * Ciphertext to decrypt; `owned` when nothing else will read these octets again, so the
 * plaintext may take their place.
 */
export interface CbcCiphertext {
  readonly bytes: Uint8Array;
  readonly owned: boolean;
}

/** Decrypts CBC content (AES or 3DES); any failure is 'cms/decrypt-failed'. */
export async function decryptCbc(crypto: CmsCrypto, algorithm: ContentAlgorithm, key: Uint8Array, ciphertext: CbcCiphertext): Promise<Uint8Array> {
  const info = CIPHERS[algorithm.cipher];
  const { bytes } = ciphertext;
  if (key.length !== info.keyLength) throw new CachetError('cms/decrypt-failed', DECRYPT_FAILED);
  if (info.mode === 'des') return desEde3CbcDecrypt(key, algorithm.iv, bytes);
  if (info.mode !== 'cbc') throw new CachetError('cms/malformed', 'GCM is only valid inside AuthEnvelopedData');
  if (bytes.length === 0 || bytes.length % 16 !== 0) throw new CachetError('cms/decrypt-failed', DECRYPT_FAILED);
  if (crypto.aesCbcDecryptInPlace) {
    // new Uint8Array(view) always copies; slice() on a Node Buffer would return a view.
    const blocks = ciphertext.owned ? bytes : new Uint8Array(bytes);
    try {
      crypto.aesCbcDecryptInPlace(key, algorithm.iv, blocks);
    } catch (error) {
      throw new CachetError('cms/decrypt-failed', DECRYPT_FAILED, { cause: error });
    }
    return withoutPadding(blocks, 16);
  }
  const cryptoKey = await aesKey(crypto, 'AES-CBC', key, 'decrypt');
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: ownBytes(algorithm.iv) }, cryptoKey, bytes as Uint8Array<ArrayBuffer>));
  } catch (error) {
    throw new CachetError('cms/decrypt-failed', DECRYPT_FAILED, { cause: error });
  }
}

/** Decrypts and authenticates GCM content; the tag is the AuthEnvelopedData mac. */
export async function decryptGcm(
  crypto: CmsCrypto,
  algorithm: ContentAlgorithm,
  key: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const info = CIPHERS[algorithm.cipher];
  if (info.mode !== 'gcm') throw new CachetError('cms/malformed', 'AuthEnvelopedData needs an authenticated cipher');
  if (key.length !== info.keyLength) throw new CachetError('cms/decrypt-failed', DECRYPT_FAILED);
  if (tag.length !== algorithm.icvLength) throw new CachetError('cms/decrypt-failed', 'authentication tag has the wrong length');
  const cryptoKey = await aesKey(crypto, 'AES-GCM', key, 'decrypt');
  // WebCrypto wants ciphertext || tag in one buffer: one copy of the content, unavoidable here.
  const sealed = new Uint8Array(ciphertext.length + tag.length);
  sealed.set(ciphertext);
  sealed.set(tag, ciphertext.length);
  const params = { name: 'AES-GCM', iv: ownBytes(algorithm.iv), tagLength: algorithm.icvLength * 8, additionalData: ownBytes(aad) };
  try {
    return new Uint8Array(await crypto.subtle.decrypt(params, cryptoKey, sealed));
  } catch (error) {
    throw new CachetError('cms/decrypt-failed', 'content authentication failed (wrong key or tampered message)', { cause: error });
  }
}
