/**
 * The fields signing and encrypting take from a certificate (src/cms/certificate-parts.ts), read without
 * PKI.js: the same issuer, serial number, subject and public key PKI.js finds, for v3 and
 * for v1 certificates (no version field), and a typed error for anything else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSelfIssuedCertificate, readCertificateParts } from '../../src/cms/certificate-parts';
import { readRecipientCertificate } from '../../src/cms/recipient-certificate';
import { isCachetError } from '../../src/errors';
import { openssl } from './envelope-helpers';
import { makeTestPki, type TestPki } from './support/openssl-pki';
import { readPemCertificates } from '../../native-host/keys/pem';

let pki: TestPki;
beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());

const hex = (bytes: Uint8Array | ArrayBuffer): string => Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('hex');

/** What PKI.js reads from the same certificate. */
function byPkijs(der: Uint8Array) {
  const cert = new pkijs.Certificate({ schema: asn1js.fromBER(der).result });
  return {
    issuer: hex(cert.issuer.toSchema().toBER(false)),
    serialNumber: hex(cert.serialNumber.toBER(false)),
    subject: hex(cert.subject.toSchema().toBER(false)),
    spki: hex(cert.subjectPublicKeyInfo.toSchema().toBER(false)),
    keyAlgorithm: cert.subjectPublicKeyInfo.algorithm.algorithmId,
    publicKey: hex(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
  };
}

function byCachet(der: Uint8Array) {
  const cert = readCertificateParts(der, 'the certificate');
  return {
    issuer: hex(cert.issuer),
    serialNumber: hex(cert.serialNumber),
    subject: hex(cert.subject),
    spki: hex(cert.spki),
    keyAlgorithm: cert.keyAlgorithm,
    publicKey: hex(cert.publicKey),
  };
}

function v1Certificate(): Uint8Array {
  const key = join(pki.dir, 'v1.key');
  const csr = join(pki.dir, 'v1.csr');
  const pem = join(pki.dir, 'v1.pem');
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/CN=Version one', '-out', csr]);
  // Without extensions, `x509 -req` writes a version 1 certificate: no [0] version field.
  openssl(['x509', '-req', '-in', csr, '-signkey', key, '-days', '2', '-out', pem]);
  const [der] = readPemCertificates(readFileSync(pem));
  if (!der) throw new Error('no certificate written');
  return der;
}

describe('readCertificateParts', () => {
  it('reads what PKI.js reads, from RSA and EC leaves, the intermediate and the root', () => {
    const certificates = [pki.leaves.rsa.certificate, pki.leaves['ec-p384'].certificate, pki.intermediate, pki.root];
    for (const der of certificates) expect(byCachet(der)).toEqual(byPkijs(der));
  });

  it('reads a version 1 certificate, whose fields start one place earlier', () => {
    const der = v1Certificate();
    expect(new pkijs.Certificate({ schema: asn1js.fromBER(der).result }).version).toBe(0);
    expect(byCachet(der)).toEqual(byPkijs(der));
    expect(readCertificateParts(der, 'v1').keyParameters).toBeDefined();
  });

  it('tells a self-issued root from the certificates it issued', () => {
    expect(isSelfIssuedCertificate(readCertificateParts(pki.root, 'root'))).toBe(true);
    expect(isSelfIssuedCertificate(readCertificateParts(pki.intermediate, 'intermediate'))).toBe(false);
    expect(isSelfIssuedCertificate(readCertificateParts(pki.leaves.rsa.certificate, 'leaf'))).toBe(false);
  });

  it('anything that is not a whole certificate is pki/malformed, naming what it was', () => {
    const der = pki.leaves.rsa.certificate;
    const inputs = [new Uint8Array(0), der.subarray(0, der.length - 1), Uint8Array.of(...der, 0), Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01), new TextEncoder().encode('-----BEGIN CERTIFICATE-----')];
    for (const input of inputs) {
      let caught: unknown;
      try {
        readCertificateParts(input, 'chain certificate 2');
      } catch (error) {
        caught = error;
      }
      expect(isCachetError(caught) && caught.code).toBe('pki/malformed');
      expect((caught as Error).message).toBe('chain certificate 2 is not an X.509 certificate');
    }
  });
});

describe('readRecipientCertificate', () => {
  it('takes the subjectKeyIdentifier OpenSSL prints, and has none without extensions', () => {
    for (const leaf of [pki.leaves.rsa, pki.leaves['ec-p256']]) {
      const printed = openssl(['x509', '-in', leaf.certPath, '-noout', '-ext', 'subjectKeyIdentifier']).toString();
      const expected = /([0-9A-F]{2}(?::[0-9A-F]{2})+)/.exec(printed)?.[1]?.replaceAll(':', '').toLowerCase();
      expect(expected).toBeDefined();
      const recipient = readRecipientCertificate(leaf.certificate);
      expect(hex(recipient.subjectKeyIdentifier ?? new Uint8Array(0))).toBe(expected);
      expect(hex(recipient.issuer)).toBe(byPkijs(leaf.certificate).issuer);
    }
    expect(readRecipientCertificate(v1Certificate()).subjectKeyIdentifier).toBeUndefined();
  });
});

