/**
 * The key-encryption key of ECDH key agreement in CMS (RFC 5753 §7.2): the ANSI X9.63
 * KDF (SEC 1 §3.6.1) over the shared secret Z and the DER of ECC-CMS-SharedInfo.
 *
 * ECC-CMS-SharedInfo ::= SEQUENCE {
 *   keyInfo         AlgorithmIdentifier,          -- the key wrap algorithm
 *   entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL, -- the ukm, only when present
 *   suppPubInfo [2] EXPLICIT OCTET STRING }        -- KEK length in bits, 32-bit big-endian
 *
 * With no ukm there must be no entityUInfo at all: PKI.js writes an empty one, which
 * gives a different KEK than OpenSSL's and so mail nobody else can read.
 */
import { CachetError } from '../errors';
import { ownBytes, type CmsCrypto } from './cms-crypto';
import { concatBytes, explicit, octetString, sequence } from './der-writer';
import type { HashName } from './key-operator';
import {
  OID_DH_SINGLE_PASS_COFACTOR_DH_SHA1KDF,
  OID_DH_SINGLE_PASS_COFACTOR_DH_SHA256KDF,
  OID_DH_SINGLE_PASS_COFACTOR_DH_SHA384KDF,
  OID_DH_SINGLE_PASS_COFACTOR_DH_SHA512KDF,
  OID_DH_SINGLE_PASS_STD_DH_SHA1KDF,
  OID_DH_SINGLE_PASS_STD_DH_SHA256KDF,
  OID_DH_SINGLE_PASS_STD_DH_SHA384KDF,
  OID_DH_SINGLE_PASS_STD_DH_SHA512KDF,
} from './oids';

export const ECDH_SCHEME_OIDS: Readonly<Record<Exclude<HashName, never>, string>> = {
  'SHA-1': OID_DH_SINGLE_PASS_STD_DH_SHA1KDF,
  'SHA-256': OID_DH_SINGLE_PASS_STD_DH_SHA256KDF,
  'SHA-384': OID_DH_SINGLE_PASS_STD_DH_SHA384KDF,
  'SHA-512': OID_DH_SINGLE_PASS_STD_DH_SHA512KDF,
};

/**
 * KDF hash of a key agreement algorithm. The cofactor variants give the same Z on the
 * prime-order NIST curves (cofactor 1), so they are read as well.
 */
const SCHEME_HASHES: ReadonlyMap<string, HashName> = new Map([
  [OID_DH_SINGLE_PASS_STD_DH_SHA1KDF, 'SHA-1'],
  [OID_DH_SINGLE_PASS_STD_DH_SHA256KDF, 'SHA-256'],
  [OID_DH_SINGLE_PASS_STD_DH_SHA384KDF, 'SHA-384'],
  [OID_DH_SINGLE_PASS_STD_DH_SHA512KDF, 'SHA-512'],
  [OID_DH_SINGLE_PASS_COFACTOR_DH_SHA1KDF, 'SHA-1'],
  [OID_DH_SINGLE_PASS_COFACTOR_DH_SHA256KDF, 'SHA-256'],
  [OID_DH_SINGLE_PASS_COFACTOR_DH_SHA384KDF, 'SHA-384'],
  [OID_DH_SINGLE_PASS_COFACTOR_DH_SHA512KDF, 'SHA-512'],
]);

export function kdfHashOfScheme(oid: string): HashName {
  const hash = SCHEME_HASHES.get(oid);
  if (!hash) throw new CachetError('cms/unsupported', `unsupported key agreement algorithm ${oid}`);
  return hash;
}

/** DER of ECC-CMS-SharedInfo; `keyInfo` is the encoded key wrap AlgorithmIdentifier. */
export function eccCmsSharedInfo(keyInfo: Uint8Array, ukm: Uint8Array | undefined, kekBits: number): Uint8Array {
  const bits = Uint8Array.of(kekBits >>> 24, (kekBits >>> 16) & 0xff, (kekBits >>> 8) & 0xff, kekBits & 0xff);
  const fields = [keyInfo];
  if (ukm !== undefined) fields.push(explicit(0, octetString(ukm)));
  fields.push(explicit(2, octetString(bits)));
  return sequence(...fields);
}

/** ANSI X9.63 KDF: Hash(Z || counter || SharedInfo) for counter = 1, 2, ... (SEC 1 §3.6.1). */
export async function x963Kdf(
  crypto: CmsCrypto,
  hash: HashName,
  z: Uint8Array,
  sharedInfo: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  let produced = 0;
  for (let counter = 1; produced < length; counter++) {
    const input = concatBytes([z, Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff), sharedInfo]);
    const block = new Uint8Array(await crypto.subtle.digest(hash, ownBytes(input)));
    blocks.push(block);
    produced += block.length;
  }
  return concatBytes(blocks).subarray(0, length);
}
