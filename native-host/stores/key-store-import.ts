/**
 * Imports the identities of a PKCS#12 file into the Cachet key store. The first import
 * sets the store's passphrase; later ones must give the same one, proven against the
 * files already there, and reuse their scrypt salt and cost so a login derives once.
 * The private key is sealed before it touches the disk and its clear bytes are wiped.
 */
import { CachetError } from '../../src/errors';
import { loadPkcs12 } from '../keys/load-pkcs12';
import { newNonce, sealPrivateKey } from '../keys/sealed-private-key';
import {
  deriveStoreKey, forgetStoreKey, newScryptParameters, passphraseMatches, scryptParametersId, type ScryptParameters, type StoreKey,
} from '../keys/store-key-derivation';
import { certificateInfo } from './certificate-info';
import { scanKeyStore, writeStoredIdentity } from './key-store-directory';
import { associatedData, fingerprintOf, type UnsealedEntry } from './key-store-file';

export const MIN_PASSPHRASE_LENGTH = 8;
/** The PIN page sends at most 256 characters (`pin/provide`). */
export const MAX_PASSPHRASE_LENGTH = 256;

export interface ImportedIdentity {
  readonly fingerprint: string;
  readonly file: string;
  readonly subject: string;
  readonly addresses: readonly string[];
}

/** Derives the store key, checking the passphrase against every set of parameters in use. */
function storeKeyFor(dir: string, passphrase: string): { key: StoreKey; kdf: ScryptParameters } {
  const { identities } = scanKeyStore(dir);
  const [first, ...others] = new Map(identities.map((i) => [scryptParametersId(i.entry.kdf), i.entry] as const)).values();
  if (!first) {
    if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
      throw new CachetError('input/invalid', `the new key store's passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
    }
    const kdf = newScryptParameters();
    return { key: deriveStoreKey(passphrase, kdf), kdf };
  }
  const key = deriveStoreKey(passphrase, first.kdf);
  const matches = passphraseMatches(key, first.passphraseCheck) && others.every((entry) => {
    const other = deriveStoreKey(passphrase, entry.kdf);
    const same = passphraseMatches(other, entry.passphraseCheck);
    forgetStoreKey(other);
    return same;
  });
  if (!matches) {
    forgetStoreKey(key);
    throw new CachetError('pin/incorrect', `the passphrase is not the one of the key store ${dir}`);
  }
  // New files share these parameters, so a login derives once for all of them.
  return { key, kdf: first.kdf };
}

export function importPkcs12(dir: string, p12: Uint8Array, password: string, passphrase: string): ImportedIdentity[] {
  if (passphrase.length === 0 || passphrase.length > MAX_PASSPHRASE_LENGTH) {
    throw new CachetError('input/invalid', `the key store passphrase must have 1 to ${MAX_PASSPHRASE_LENGTH} characters`);
  }
  const contents = loadPkcs12(p12, password);
  if (contents.identities.length === 0) throw new CachetError('key/unavailable', 'the PKCS#12 file holds no private key with its certificate');
  const usable = contents.identities.flatMap((identity) => {
    const info = certificateInfo(identity.certificate);
    return info && !info.isCa ? [{ identity, info }] : [];
  });
  if (usable.length === 0) throw new CachetError('key/unsupported', 'the key store takes RSA and EC (P-256, P-384, P-521) keys with end-entity certificates only');
  const { key, kdf } = storeKeyFor(dir, passphrase);
  try {
    return usable.map(({ identity, info }) => {
      const unsealed: UnsealedEntry = {
        certificate: identity.certificate, chain: identity.chain, kdf, passphraseCheck: key.check, nonce: newNonce(),
      };
      const pkcs8 = identity.key.export({ type: 'pkcs8', format: 'der' });
      let sealedKey: Uint8Array;
      try {
        sealedKey = sealPrivateKey(pkcs8, key.encryptionKey, unsealed.nonce, associatedData(unsealed));
      } finally {
        pkcs8.fill(0);
      }
      const file = writeStoredIdentity(dir, { ...unsealed, sealedKey });
      return { fingerprint: fingerprintOf(identity.certificate), file, subject: info.subject, addresses: info.addresses };
    });
  } finally {
    forgetStoreKey(key);
  }
}
