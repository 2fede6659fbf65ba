/**
 * Reads PKCS#12 files (RFC 7292) as OpenSSL 3 (PBES2/PBKDF2/AES-256-CBC, HMAC-SHA-256 MAC),
 * NSS, Windows and older OpenSSL (pbeWithSHAAnd3-KeyTripleDES-CBC keys,
 * pbeWithSHAAnd40BitRC2-CBC certificates, SHA-1 MAC) write them, and pairs each private
 * key with its certificate by public key rather than trusting localKeyId attributes.
 */
import { createHmac, createPrivateKey, createPublicKey, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { CachetError } from '../../src/errors';
import {
  algorithmOf,
  childrenOf,
  isContext,
  octetStringOf,
  octetsOf,
  oidOf,
  parseBer,
  sequenceOf,
  smallIntOf,
  type Block,
} from '../../src/cms/der-reader';
import { bmpPassword, pkcs12Kdf, PKCS12_MAC_MATERIAL, type Pkcs12Hash } from './pkcs12-kdf';
import { pbeDecrypt } from './pbe-decrypt';
import { decryptPrivateKeyInfo } from './load-private-key';

const DATA = '1.2.840.113549.1.7.1';
const ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';
const X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';

const MAC_HASHES: Record<string, { name: Pkcs12Hash; length: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', length: 20 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', length: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', length: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', length: 64 },
};

const MAX_MAC_ITERATIONS = 10_000_000;
const MAX_NESTING = 4;

export interface Pkcs12Identity {
  readonly key: KeyObject;
  /** DER of the certificate whose public key matches `key`. */
  readonly certificate: Uint8Array;
  /** Issuers of `certificate` found in the file, nearest first. */
  readonly chain: readonly Uint8Array[];
}

export interface Pkcs12Contents {
  readonly identities: readonly Pkcs12Identity[];
  /** Every certificate in the file, in file order. */
  readonly certificates: readonly Uint8Array[];
}

function bad(message: string): never {
  throw new CachetError('key/unavailable', `PKCS#12: ${message}`);
}

/** The [0] EXPLICIT content of a ContentInfo. */
function explicitContent(block: Block | undefined, what: string): Block {
  if (!isContext(block, 0)) bad(`${what} has no content`);
  const inner = childrenOf(block, what, 'key/unavailable');
  if (inner.length !== 1) bad(`${what} content is malformed`);
  return inner[0]!;
}

/** RFC 7292 §5.1 integrity: HMAC over the AuthenticatedSafe with a key from Appendix B. */
function verifyMac(macData: Block, authSafe: Uint8Array, password: string): void {
  const [digestInfo, saltBlock, iterBlock] = sequenceOf(macData, 'MacData', 'key/unavailable');
  const [algBlock, digestBlock] = sequenceOf(digestInfo, 'MacData DigestInfo', 'key/unavailable');
  const algorithm = algorithmOf(algBlock, 'MAC algorithm', 'key/unavailable');
  const hash = MAC_HASHES[algorithm.oid];
  if (!hash) bad(`unsupported MAC algorithm ${algorithm.oid}`);
  const expected = octetStringOf(digestBlock, 'MAC value', 'key/unavailable');
  const salt = octetStringOf(saltBlock, 'MAC salt', 'key/unavailable');
  const iterations = iterBlock ? smallIntOf(iterBlock, 'MAC iterations', MAX_MAC_ITERATIONS, 'key/unavailable') : 1;
  if (iterations < 1 || expected.length !== hash.length) bad('MAC parameters are malformed');
  // OpenSSL treats an empty password as either an empty BMPString or no bytes at all.
  const candidates = password === '' ? [bmpPassword(''), new Uint8Array(0)] : [bmpPassword(password)];
  for (const candidate of candidates) {
    const key = pkcs12Kdf(hash.name, candidate, salt, iterations, PKCS12_MAC_MATERIAL, hash.length);
    const mac = createHmac(hash.name, key).update(authSafe).digest();
    if (timingSafeEqual(mac, expected)) return;
  }
  throw new CachetError('key/unavailable', 'PKCS#12: wrong password or the file is corrupt (MAC mismatch)');
}

interface Collected {
  keys: Uint8Array[];
  certificates: Uint8Array[];
}

function readSafeContents(der: Uint8Array, password: string, out: Collected, depth: number): void {
  if (depth > MAX_NESTING) bad('SafeContents nested too deeply');
  for (const bag of sequenceOf(parseBer(der, 'SafeContents', 'key/unavailable'), 'SafeContents', 'key/unavailable')) {
    const parts = sequenceOf(bag, 'SafeBag', 'key/unavailable');
    const bagId = oidOf(parts[0], 'SafeBag bagId', 'key/unavailable');
    const value = explicitContent(parts[1], 'SafeBag');
    switch (bagId) {
      case KEY_BAG:
        out.keys.push(value.valueBeforeDecodeView);
        break;
      case SHROUDED_KEY_BAG:
        out.keys.push(decryptPrivateKeyInfo(value.valueBeforeDecodeView, password));
        break;
      case CERT_BAG: {
        const [typeBlock, certValue] = sequenceOf(value, 'CertBag', 'key/unavailable');
        if (oidOf(typeBlock, 'CertBag certId', 'key/unavailable') !== X509_CERTIFICATE) break;
        out.certificates.push(octetStringOf(explicitContent(certValue, 'CertBag'), 'CertBag value', 'key/unavailable'));
        break;
      }
      case SAFE_CONTENTS_BAG:
        readSafeContents(value.valueBeforeDecodeView, password, out, depth + 1);
        break;
      default:
        // CRL and secret bags carry nothing a key operator needs.
        break;
    }
  }
}

function readEncryptedData(block: Block, password: string): Uint8Array {
  const [versionBlock, eci] = sequenceOf(block, 'EncryptedData', 'key/unavailable');
  smallIntOf(versionBlock, 'EncryptedData version', 2, 'key/unavailable');
  const [typeBlock, algBlock, content] = sequenceOf(eci, 'EncryptedContentInfo', 'key/unavailable');
  if (oidOf(typeBlock, 'EncryptedContentInfo contentType', 'key/unavailable') !== DATA) bad('encrypted content is not data');
  if (!isContext(content, 0)) bad('EncryptedData has no content');
  const algorithm = algorithmOf(algBlock, 'EncryptedContentInfo algorithm', 'key/unavailable');
  return pbeDecrypt(algorithm, password, octetsOf(content, 'encryptedContent', 'key/unavailable'));
}

function spkiOf(key: KeyObject): Buffer {
  return (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' });
}

function parseCertificate(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/** Issuers of `leaf` among `pool`, nearest first, stopping at a self-issued certificate. */
export function buildChain(leaf: X509Certificate, pool: readonly X509Certificate[]): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current = leaf;
  while (chain.length < 10 && !current.checkIssued(current)) {
    const issuer = pool.find((c) => c !== current && !chain.includes(c) && c !== leaf && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

/** Pairs keys with certificates by SubjectPublicKeyInfo. */
export function pairKeysWithCertificates(keys: readonly KeyObject[], certificates: readonly Uint8Array[]): Pkcs12Identity[] {
  const parsed = certificates.map((der) => ({ der, cert: parseCertificate(der) }));
  const pool = parsed.flatMap((p) => (p.cert ? [p.cert] : []));
  const identities: Pkcs12Identity[] = [];
  for (const key of keys) {
    const spki = spkiOf(key);
    const match = parsed.find((p) => p.cert && spkiOf(p.cert.publicKey).equals(spki));
    if (!match?.cert) continue;
    const chain = buildChain(match.cert, pool).map((c) => new Uint8Array(c.raw));
    identities.push({ key, certificate: match.der, chain });
  }
  return identities;
}

export function loadPkcs12(data: Uint8Array, password: string): Pkcs12Contents {
  const pfx = sequenceOf(parseBer(data, 'PKCS#12', 'key/unavailable'), 'PFX', 'key/unavailable');
  if (smallIntOf(pfx[0], 'PFX version', 255, 'key/unavailable') !== 3) bad('unsupported version');
  const [typeBlock, contentBlock] = sequenceOf(pfx[1], 'PFX authSafe', 'key/unavailable');
  if (oidOf(typeBlock, 'authSafe contentType', 'key/unavailable') !== DATA) bad('public-key integrity mode is not supported');
  const authSafe = octetStringOf(explicitContent(contentBlock, 'authSafe'), 'authSafe content', 'key/unavailable');
  if (pfx[2]) verifyMac(pfx[2], authSafe, password);
  const collected: Collected = { keys: [], certificates: [] };
  for (const info of sequenceOf(parseBer(authSafe, 'AuthenticatedSafe', 'key/unavailable'), 'AuthenticatedSafe', 'key/unavailable')) {
    const [infoType, infoContent] = sequenceOf(info, 'ContentInfo', 'key/unavailable');
    const type = oidOf(infoType, 'ContentInfo contentType', 'key/unavailable');
    const content = explicitContent(infoContent, 'ContentInfo');
    if (type === DATA) readSafeContents(octetStringOf(content, 'SafeContents', 'key/unavailable'), password, collected, 0);
    else if (type === ENCRYPTED_DATA) readSafeContents(readEncryptedData(content, password), password, collected, 0);
    else bad(`unsupported ContentInfo type ${type}`);
  }
  const keys = collected.keys.map((der) => {
    try {
      return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    } catch (error) {
      throw new CachetError('key/unavailable', 'PKCS#12: a key bag does not hold a usable private key', { cause: error });
    }
  });
  return { identities: pairKeysWithCertificates(keys, collected.certificates), certificates: collected.certificates };
}
