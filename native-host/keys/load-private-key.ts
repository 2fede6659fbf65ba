/**
 * Loads a software private key into a Node KeyObject: PEM "PRIVATE KEY" (PKCS#8),
 * "RSA PRIVATE KEY" (PKCS#1, also with OpenSSL's legacy Proc-Type encryption),
 * "EC PRIVATE KEY" (SEC 1), "ENCRYPTED PRIVATE KEY" (PKCS#8 with a password), or the
 * same structures as DER.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { CachetError } from '../../src/errors';
import { algorithmOf, octetStringOf, parseBer, sequenceOf } from '../../src/cms/der-reader';
import { pbeDecrypt } from './pbe-decrypt';
import { looksLikePem, readPemBlocks } from './pem';

const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

/** Decrypts a PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) to PrivateKeyInfo DER. */
export function decryptPrivateKeyInfo(der: Uint8Array, password: string): Uint8Array {
  const [algBlock, dataBlock] = sequenceOf(parseBer(der, 'EncryptedPrivateKeyInfo', 'key/unavailable'), 'EncryptedPrivateKeyInfo', 'key/unavailable');
  const algorithm = algorithmOf(algBlock, 'EncryptedPrivateKeyInfo algorithm', 'key/unavailable');
  return pbeDecrypt(algorithm, password, octetStringOf(dataBlock, 'EncryptedPrivateKeyInfo data', 'key/unavailable'));
}

function fromPkcs8(der: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new CachetError('key/unavailable', 'wrong password or not a private key', { cause: error });
  }
}

function fromDer(der: Uint8Array, password: string | undefined): KeyObject {
  const buffer = Buffer.from(der);
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: buffer, format: 'der', type });
    } catch {
      // Try the next structure; which one a DER file holds is not labelled.
    }
  }
  if (password === undefined) throw new CachetError('key/unavailable', 'not an unencrypted private key, and no password given');
  return fromPkcs8(decryptPrivateKeyInfo(der, password));
}

export function loadPrivateKey(data: Uint8Array | string, password?: string): KeyObject {
  if (!looksLikePem(data)) {
    if (typeof data === 'string') throw new CachetError('key/unavailable', 'no PEM private key found');
    return fromDer(data, password);
  }
  const block = readPemBlocks(data).find((b) => KEY_LABELS.has(b.label));
  if (!block) throw new CachetError('key/unavailable', 'no private key block in the PEM data');
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    if (password === undefined) throw new CachetError('key/unavailable', 'the private key is encrypted: a password is needed');
    return fromPkcs8(decryptPrivateKeyInfo(block.der, password));
  }
  const encrypted = block.headers['Proc-Type']?.includes('ENCRYPTED') ?? false;
  if (encrypted && password === undefined) throw new CachetError('key/unavailable', 'the private key is encrypted: a password is needed');
  try {
    return createPrivateKey(encrypted ? { key: block.text, format: 'pem', passphrase: password ?? '' } : { key: block.text, format: 'pem' });
  } catch (error) {
    throw new CachetError('key/unavailable', encrypted ? 'wrong password or corrupt private key' : 'corrupt private key', { cause: error });
  }
}
