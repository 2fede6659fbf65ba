/**
 * Finding a SignedData's signer among certificates parsed only when a lookup needs them
 * (RFC 5652 §5.3: IssuerAndSerialNumber or subjectKeyIdentifier), with OpenSSL's output.
 */
import * as asn1js from 'asn1js';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignedData } from '../../src/cms/signed-data-verify';
import { SignerCandidate } from '../../src/cms/signer-candidates';
import { readTlv } from '../../src/pki/der';
import { readCertificateParts } from '../../src/cms/certificate-parts';
import { makeTestPki, openssl, type Identity, type TestPki } from './support/openssl-pki';
import { ascii, subtle } from './support/env';

const content = ascii('Content-Type: text/plain\r\n\r\nWho signed this?\r\n');
let pki: TestPki;

beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());

function opensslSigned(signer: Identity, extra: readonly string[]): Uint8Array {
  return new Uint8Array(openssl(['cms', '-sign', '-binary', '-outform', 'DER', '-nodetach', '-signer', signer.certPath, '-inkey', signer.keyPath, ...extra], content));
}

async function statuses(cms: Uint8Array, extraCertificates: readonly Uint8Array[] = []): Promise<string[]> {
  return (await verifySignedData(cms, { subtle, extraCertificates })).signers.map((s) => s.status);
}

describe('SignerCandidate', () => {
  it('rules a certificate out by its serialNumber alone, and nothing it cannot read', () => {
    const leaf = pki.leaves.rsa;
    const serial = readTlv(readCertificateParts(leaf.certificate, 'leaf').serialNumber).value;
    const candidate = new SignerCandidate(leaf.certificate);
    expect(candidate.mayHaveSerial(serial)).toBe(true);
    expect(candidate.mayHaveSerial(new Uint8Array([...serial, 0]))).toBe(false);
    expect(candidate.certificate?.der).toBe(leaf.certificate);
    const notACertificate = new SignerCandidate(new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 })] }).toBER(false)));
    expect(notACertificate.mayHaveSerial(serial)).toBe(true);
    expect(notACertificate.certificate).toBeUndefined();
  });
});

/** Two self-signed certificates for one P-256 key: one with OpenSSL's subjectKeyIdentifier=hash, one with none. */
function sameKeyWithAndWithoutSki(): { withSki: Identity; withoutSki: Uint8Array } {
  const p = (name: string): string => join(pki.dir, name);
  const config = (ski: string): string => {
    const file = p(`ski-${ski}.cnf`);
    writeFileSync(file, ['[req]', 'distinguished_name=dn', 'x509_extensions=ext', 'prompt=no', '[dn]', `CN=Key identifier ${ski}`,
      '[ext]', `subjectKeyIdentifier=${ski}`, 'authorityKeyIdentifier=none', 'keyUsage=critical,digitalSignature', ''].join('\n'));
    return file;
  };
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p('ski.key')]);
  const make = (ski: string): string => {
    openssl(['req', '-x509', '-new', '-key', p('ski.key'), '-out', p(`ski-${ski}.pem`), '-config', config(ski), '-days', '30']);
    return p(`ski-${ski}.pem`);
  };
  const withPath = make('hash');
  const der = (file: string): Uint8Array => new Uint8Array(new X509Certificate(openssl(['x509', '-in', file])).raw);
  const base = pki.leaves['ec-p256'];
  return {
    withSki: { ...base, keyPath: p('ski.key'), certPath: withPath, certificate: der(withPath) },
    withoutSki: der(make('none')),
  };
}

describe('SignerCandidate key identifiers', () => {
  it('is the subjectKeyIdentifier extension, or else the SHA-1 of the key bits as OpenSSL computes it', async () => {
    const { withSki, withoutSki } = sameKeyWithAndWithoutSki();
    const text = (der: Uint8Array): string => openssl(['x509', '-inform', 'DER', '-noout', '-text'], der).toString();
    expect(text(withSki.certificate)).toContain('Subject Key Identifier');
    expect(text(withoutSki)).not.toContain('Subject Key Identifier');
    const fromExtension = await new SignerCandidate(withSki.certificate).keyIdentifier(subtle);
    const computed = await new SignerCandidate(withoutSki).keyIdentifier(subtle);
    expect(fromExtension).not.toBeNull();
    expect(Buffer.from(computed ?? []).toString('hex')).toBe(Buffer.from(fromExtension ?? []).toString('hex'));
  });

  it('is null for what the bounded reader refuses, so PKI.js is never asked to build it', async () => {
    const junk = new SignerCandidate(new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 })] }).toBER(false)));
    expect(await junk.keyIdentifier(subtle)).toBeNull();
  });
});

describe('finding the signer', () => {
  it('by IssuerAndSerialNumber, behind certificates that are not the signer', async () => {
    const signer = pki.leaves['ec-p256'];
    const cms = opensslSigned(signer, ['-nocerts']);
    expect(await statuses(cms)).toEqual(['unknown-signer']);
    const others = [pki.root, pki.intermediate, pki.leaves.rsa.certificate, pki.leaves['ec-p384'].certificate];
    expect(await statuses(cms, [...others, signer.certificate])).toEqual(['good']);
  });

  it('by subjectKeyIdentifier (OpenSSL -keyid)', async () => {
    const signer = pki.leaves.rsa;
    const cms = opensslSigned(signer, ['-keyid', '-nocerts']);
    expect(await statuses(cms, [pki.intermediate, pki.leaves['ec-p256'].certificate, signer.certificate])).toEqual(['good']);
    expect(await statuses(cms, [pki.intermediate, pki.leaves['ec-p256'].certificate])).toEqual(['unknown-signer']);
  });

  it('by a key identifier computed from the key, for a certificate without the extension', async () => {
    const { withSki, withoutSki } = sameKeyWithAndWithoutSki();
    const cms = opensslSigned(withSki, ['-keyid', '-nocerts']);
    expect(await statuses(cms, [pki.intermediate, withoutSki])).toEqual(['good']);
  });

  it('by subjectKeyIdentifier behind a thousand encodings that are no certificate', async () => {
    const signer = pki.leaves.rsa;
    const cms = opensslSigned(signer, ['-keyid', '-nocerts']);
    const junk = Array.from({ length: 1000 }, (_, i) => new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Integer({ value: i })] }).toBER(false)));
    expect(await statuses(cms, [...junk, signer.certificate])).toEqual(['good']);
  });
});
