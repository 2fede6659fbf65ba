/**
 * The content-encryption algorithm for one message (B8): the first algorithm of the
 * policy's `encryptionAlgorithms` that every recipient can read. What a recipient can
 * read is what its SMIMECapabilities announced (RFC 8551 §2.5.2); when nothing was ever
 * announced, only CBC is assumed (DESIGN.md, Choices: AES-GCM only where every
 * recipient announced it, since an S/MIME 3.2 agent cannot read AuthEnvelopedData).
 */
import type { EncryptionAlgorithm } from '../policy';
import type { ContentCipherChoice } from './encrypt';
import { OID_AES128_CBC, OID_AES128_GCM, OID_AES192_CBC, OID_AES256_CBC, OID_AES256_GCM } from './oids';

export const ENCRYPTION_ALGORITHM_OIDS: Readonly<Record<EncryptionAlgorithm, string>> = {
  'aes256-gcm': OID_AES256_GCM,
  'aes128-gcm': OID_AES128_GCM,
  'aes256-cbc': OID_AES256_CBC,
  'aes192-cbc': OID_AES192_CBC,
  'aes128-cbc': OID_AES128_CBC,
};

/**
 * What the envelope code writes, by policy name. AES-192 is read only: Chromium's
 * WebCrypto has no 192-bit AES keys, so a policy naming it alone cannot be served.
 */
const WRITABLE: Readonly<Partial<Record<EncryptionAlgorithm, ContentCipherChoice>>> = {
  'aes256-gcm': 'aes-256-gcm',
  'aes128-gcm': 'aes-128-gcm',
  'aes256-cbc': 'aes-256-cbc',
  'aes128-cbc': 'aes-128-cbc',
};

export function writableCipher(algorithm: EncryptionAlgorithm): ContentCipherChoice | undefined {
  return WRITABLE[algorithm];
}

const isGcm = (algorithm: EncryptionAlgorithm): boolean => algorithm.endsWith('-gcm');

/**
 * The allowed algorithms one recipient can read, in policy order. `capabilities` are the
 * content-encryption OIDs the recipient announced, or null when it never announced any.
 */
export function acceptableAlgorithms(allowed: readonly EncryptionAlgorithm[], capabilities: readonly string[] | null): EncryptionAlgorithm[] {
  const writable = allowed.filter((a) => WRITABLE[a] !== undefined);
  if (capabilities === null) return writable.filter((a) => !isGcm(a));
  return writable.filter((a) => capabilities.includes(ENCRYPTION_ALGORITHM_OIDS[a]));
}

export interface CipherChoice {
  readonly algorithm: EncryptionAlgorithm;
  readonly cipher: ContentCipherChoice;
  /** Indexes of the recipients who cannot read it (B8: they count as missing, B7). */
  readonly unreadableBy: readonly number[];
}

/**
 * The first allowed algorithm every recipient accepts, AES-GCM before CBC whatever the
 * policy's order: AuthEnvelopedData detects a changed ciphertext, which is what defeats
 * EFAIL's CBC gadgets (Poddebniak et al., USENIX Security 2018), so when every recipient
 * announced an allowed AES-GCM it is used (DESIGN.md, Choices); the policy's order ranks
 * the algorithms within each kind. When no algorithm suits them all, the first one that
 * suits the most, so that as few recipients as possible are left out. Undefined when the
 * policy names nothing Cachet can write.
 */
export function chooseContentCipher(
  allowed: readonly EncryptionAlgorithm[],
  recipients: readonly (readonly EncryptionAlgorithm[])[],
): CipherChoice | undefined {
  let best: CipherChoice | undefined;
  for (const algorithm of [...allowed.filter(isGcm), ...allowed.filter((a) => !isGcm(a))]) {
    const cipher = WRITABLE[algorithm];
    if (cipher === undefined) continue;
    const unreadableBy = recipients.flatMap((accepted, index) => (accepted.includes(algorithm) ? [] : [index]));
    if (best === undefined || unreadableBy.length < best.unreadableBy.length) best = { algorithm, cipher, unreadableBy };
    if (unreadableBy.length === 0) break;
  }
  return best;
}
