/**
 * Finding a SignedData's signer among certificates parsed only when a lookup needs them
 * (RFC 5652 §5.3: IssuerAndSerialNumber or subjectKeyIdentifier), with OpenSSL's output.
 */
import * as asn1js from 'asn1js';
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
});
