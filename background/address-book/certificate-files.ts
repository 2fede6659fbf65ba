/**
 * Reads the certificate files people import (B6 step 1): a DER certificate (`.cer`,
 * `.der`, `.crt`), PEM with one or more CERTIFICATE or PKCS7 blocks (`.pem`), and a
 * certs-only SignedData (`.p7c`, `.p7b`, RFC 8551 §3.6), DER or PEM. The file name is not
 * trusted: the bytes decide.
 */
import * as pkijs from 'pkijs';
import { CachetError } from '../../src/errors';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import { ownBuffer } from './own-buffer';

/** More certificates than any real bundle holds; the cap keeps a hostile file cheap. */
const maxCertificates = 256;
const signedDataOid = '1.2.840.113549.1.7.2';

function malformed(message: string, cause?: unknown): CachetError {
  return new CachetError('pki/malformed', message, { cause });
}

function certificatesOfSignedData(der: Uint8Array): Uint8Array[] {
  let info: pkijs.ContentInfo;
  try {
    info = pkijs.ContentInfo.fromBER(ownBuffer(der));
  } catch (cause) {
    throw malformed('not a certificate or a PKCS #7 certificate bundle', cause);
  }
  if (info.contentType !== signedDataOid) throw malformed('the PKCS #7 file is not SignedData');
  let signed: pkijs.SignedData;
  try {
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (cause) {
    throw malformed('the PKCS #7 SignedData cannot be read', cause);
  }
  const out: Uint8Array[] = [];
  for (const item of signed.certificates ?? []) {
    // Attribute certificates and other formats say nothing about an address; skip them.
    if (item instanceof pkijs.Certificate) out.push(new Uint8Array(item.toSchema().toBER(false)));
  }
  return out;
}

/** True when the DER bytes are an X.509 Certificate (not a ContentInfo). */
function isCertificate(der: Uint8Array): boolean {
  try {
    pkijs.Certificate.fromBER(ownBuffer(der));
    return true;
  } catch {
    return false;
  }
}

function fromDer(der: Uint8Array): Uint8Array[] {
  return isCertificate(der) ? [new Uint8Array(ownBuffer(der))] : certificatesOfSignedData(der);
}

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function fromPem(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const match of text.matchAll(pemBlock)) {
    const label = match[1] ?? '';
    const body = (match[2] ?? '').replace(/\s+/g, '');
    let der: Uint8Array;
    try {
      der = base64ToBytes(body);
    } catch (cause) {
      throw malformed(`the PEM ${label} block is not base64`, cause);
    }
    if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE') {
      if (!isCertificate(der)) throw malformed('a PEM CERTIFICATE block is not a certificate');
      out.push(der);
    } else if (label === 'PKCS7' || label === 'CMS') {
      for (const certificate of certificatesOfSignedData(der)) out.push(certificate);
    }
    // Other blocks (keys, CRLs) are not certificates and are left alone, not imported.
    if (out.length > maxCertificates) break;
  }
  return out;
}

function looksLikePem(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  return head.includes('-----BEGIN ');
}

export function certificatesFromFile(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length === 0) throw malformed('the file is empty');
  const certificates = looksLikePem(bytes) ? fromPem(new TextDecoder('latin1').decode(bytes)) : fromDer(bytes);
  if (certificates.length === 0) throw malformed('the file holds no certificate');
  if (certificates.length > maxCertificates) throw malformed(`the file holds more than ${maxCertificates} certificates`);
  return certificates;
}
