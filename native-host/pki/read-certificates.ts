/**
 * Reading certificates and CRLs from files for the command line: PEM (any number of
 * blocks) or DER, and the public parts of PKCS#12 files.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as asn1js from 'asn1js';

import { CachetError } from '../../src/errors';
import { parseCertificate, pemOrDer, type ParsedCertificate } from '../../src/pki/parsed-certificate';
import { parseCrl, type ParsedCrl } from '../../src/pki/parsed-crl';

export async function readCertificateFile(file: string): Promise<ParsedCertificate[]> {
  const bytes = new Uint8Array(await readFile(file));
  try {
    return pemOrDer(bytes).map(parseCertificate);
  } catch (error) {
    throw new CachetError('pki/malformed', `${file}: ${error instanceof Error ? error.message : 'not a certificate'}`, { cause: error });
  }
}

export async function readCrlFile(file: string): Promise<ParsedCrl[]> {
  const bytes = new Uint8Array(await readFile(file));
  try {
    return pemOrDer(bytes, 'X509 CRL').map(parseCrl);
  } catch (error) {
    throw new CachetError('pki/malformed', `${file}: ${error instanceof Error ? error.message : 'not a CRL'}`, { cause: error });
  }
}

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_X509_CERT = '1.2.840.113549.1.9.22.1';

export interface Pkcs12PublicParts {
  readonly certificates: Uint8Array[];
  /** Parts encrypted under the file's password, which cannot be read without it. */
  readonly encryptedParts: number;
}

function children(block: asn1js.AsnType | undefined): asn1js.AsnType[] {
  return block instanceof asn1js.Constructed ? block.valueBlock.value : [];
}

function octets(block: asn1js.AsnType | undefined): Uint8Array | undefined {
  if (!(block instanceof asn1js.OctetString)) return undefined;
  return new Uint8Array(block.getValue());
}

function oidOf(block: asn1js.AsnType | undefined): string | undefined {
  return block instanceof asn1js.ObjectIdentifier ? block.valueBlock.toString() : undefined;
}

function ber(bytes: Uint8Array): asn1js.AsnType | undefined {
  const parsed = asn1js.fromBER(new Uint8Array(bytes));
  return parsed.offset === -1 ? undefined : parsed.result;
}

/**
 * Certificates from the unencrypted SafeContents of a PKCS#12 file (RFC 7292 §4). Parts
 * in EncryptedData need the password and are counted, not read; the integrity MAC is not
 * checked either, so these certificates are public data to validate like any other.
 */
export function pkcs12PublicParts(bytes: Uint8Array): Pkcs12PublicParts {
  const pfx = ber(bytes);
  const authSafe = children(pfx)[1];
  const [type, wrapper] = children(authSafe);
  if (oidOf(type) !== OID_DATA) throw new CachetError('pki/malformed', 'PKCS#12 authSafe is not data (public-key integrity mode is not supported)');
  const safeBytes = octets(children(wrapper)[0]);
  const contents = safeBytes ? children(ber(safeBytes)) : [];
  const certificates: Uint8Array[] = [];
  let encryptedParts = 0;
  for (const info of contents.slice(0, 64)) {
    const [infoType, infoWrapper] = children(info);
    const kind = oidOf(infoType);
    if (kind === OID_ENCRYPTED_DATA) {
      encryptedParts++;
      continue;
    }
    if (kind !== OID_DATA) continue;
    const bagsBytes = octets(children(infoWrapper)[0]);
    for (const bag of (bagsBytes ? children(ber(bagsBytes)) : []).slice(0, 256)) {
      const [bagId, bagValue] = children(bag);
      if (oidOf(bagId) !== OID_CERT_BAG) continue;
      const [certId, certWrapper] = children(children(bagValue)[0]);
      if (oidOf(certId) !== OID_X509_CERT) continue;
      const der = octets(children(certWrapper)[0]);
      if (der) certificates.push(der);
    }
  }
  return { certificates, encryptedParts };
}

export interface StoreEntry {
  readonly file: string;
  readonly certificate: ParsedCertificate;
}

export interface StoreContents {
  readonly entries: StoreEntry[];
  /** Files or parts that could not be read, for people. */
  readonly notes: string[];
}

const MAX_STORE_FILES = 2000;

/** Every certificate in a folder: .pem/.crt/.cer/.der files, and .p12/.pfx public parts. */
export async function readCertificateStore(dir: string): Promise<StoreContents> {
  const entries: StoreEntry[] = [];
  const notes: string[] = [];
  const names = (await readdir(dir)).sort().slice(0, MAX_STORE_FILES);
  for (const name of names) {
    const file = path.join(dir, name);
    if (!(await stat(file)).isFile()) continue;
    const ext = path.extname(name).toLowerCase();
    try {
      if (ext === '.p12' || ext === '.pfx') {
        const parts = pkcs12PublicParts(new Uint8Array(await readFile(file)));
        for (const der of parts.certificates) entries.push({ file, certificate: parseCertificate(der) });
        if (parts.encryptedParts > 0) notes.push(`${name}: ${parts.encryptedParts} password-protected part(s) skipped`);
      } else if (['.pem', '.crt', '.cer', '.der'].includes(ext)) {
        for (const certificate of await readCertificateFile(file)) entries.push({ file, certificate });
      }
    } catch (error) {
      notes.push(`${name}: ${error instanceof Error ? error.message : 'unreadable'}`);
    }
  }
  return { entries, notes };
}
