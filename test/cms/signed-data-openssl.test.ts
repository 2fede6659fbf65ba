/**
 * SignedData interop with OpenSSL in both directions, over every signature algorithm ×
 * digest × detached/encapsulated combination Cachet writes (B12, B13).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import { signSignedData, type SigningHash } from '../../src/cms/signed-data-sign';
import { verifySignedData } from '../../src/cms/signed-data-verify';
import { makeTestPki, openssl, type LeafKind, type TestPki } from './support/openssl-pki';
import { ascii, opensslCertsDir, subtle, xorByte } from './support/env';

const HASHES: readonly SigningHash[] = ['SHA-256', 'SHA-384', 'SHA-512'];
const SCHEMES: readonly { kind: LeafKind; pss: boolean; label: string }[] = [
  { kind: 'rsa', pss: false, label: 'RSA PKCS#1 v1.5' },
  { kind: 'rsa', pss: true, label: 'RSA-PSS' },
  { kind: 'ec-p256', pss: false, label: 'ECDSA P-256' },
  { kind: 'ec-p384', pss: false, label: 'ECDSA P-384' },
  { kind: 'ec-p521', pss: false, label: 'ECDSA P-521' },
];
const MODES = [
  { detached: true, label: 'detached' },
  { detached: false, label: 'encapsulated' },
] as const;

const content = ascii('Content-Type: text/plain; charset=us-ascii\r\n\r\nInterop test body.\r\n');
const tampered = ascii('Content-Type: text/plain; charset=us-ascii\r\n\r\nInterop test b0dy.\r\n');

let pki: TestPki;
let contentPath: string;

beforeAll(() => {
  pki = makeTestPki();
  contentPath = join(pki.dir, 'content.txt');
  writeFileSync(contentPath, content);
});
afterAll(() => pki.remove());

function opensslVerifies(der: Uint8Array, detached: boolean, name: string): boolean {
  const path = join(pki.dir, `${name}.p7`);
  writeFileSync(path, der);
  try {
    openssl(['cms', '-verify', '-inform', 'DER', '-in', path, '-binary', ...(detached ? ['-content', contentPath] : []),
      '-CAfile', pki.rootPath, '-out', join(pki.dir, `${name}.out`)]);
    return true;
  } catch {
    return false;
  }
}

describe('Cachet signs, OpenSSL verifies', () => {
  for (const scheme of SCHEMES) {
    for (const hash of HASHES) {
      for (const mode of MODES) {
        it(`${scheme.label} ${hash} ${mode.label}`, async () => {
          const leaf = pki.leaves[scheme.kind];
          const der = await signSignedData({
            subtle, signer: leaf.operator, content, detached: mode.detached, hash, rsaPss: scheme.pss,
            chain: [pki.intermediate, pki.root],
          });
          const name = `${scheme.kind}-${scheme.pss}-${hash}-${mode.label}`;
          expect(opensslVerifies(der, mode.detached, name)).toBe(true);

          // Cachet reads its own output, and the root was left out (B18) but the intermediate is in.
          const result = await verifySignedData(der, { subtle, ...(mode.detached ? { detachedContent: content } : {}) });
          expect(result.signers.map((s) => s.status)).toEqual(['good']);
          expect(result.signers[0]?.emailAddresses).toEqual([leaf.email]);
          expect(result.certificates).toHaveLength(2);
          expect(Buffer.from(result.content).equals(content)).toBe(true);

          if (mode.detached) {
            const bad = await verifySignedData(der, { subtle, detachedContent: tampered });
            expect(bad.signers.map((s) => s.status)).toEqual(['digest-mismatch']);
            expect(bad.allGood).toBe(false);
          }
        });
      }
    }
  }
});

function opensslSign(signerCert: string, signerKey: string, hash: SigningHash, detached: boolean, pss: boolean, name: string): Uint8Array {
  const out = join(pki.dir, `${name}.ossl.p7`);
  openssl(['cms', '-sign', '-binary', '-in', contentPath, '-outform', 'DER', '-out', out,
    '-signer', signerCert, '-inkey', signerKey, '-md', hash.replace('-', '').toLowerCase(),
    ...(pss ? ['-keyopt', 'rsa_padding_mode:pss'] : []),
    ...(detached ? [] : ['-nodetach']),
    '-certfile', pki.intermediatePath]);
  return new Uint8Array(readFileSync(out));
}

describe('OpenSSL signs, Cachet verifies', () => {
  for (const scheme of SCHEMES) {
    for (const hash of HASHES) {
      for (const mode of MODES) {
        it(`${scheme.label} ${hash} ${mode.label}`, async () => {
          const leaf = pki.leaves[scheme.kind];
          const der = opensslSign(leaf.certPath, leaf.keyPath, hash, mode.detached, scheme.pss, `${scheme.kind}-${scheme.pss}-${hash}-${mode.label}`);
          const result = await verifySignedData(der, { subtle, ...(mode.detached ? { detachedContent: content } : {}) });
          expect(result.signers.map((s) => s.status)).toEqual(['good']);
          expect(result.signers[0]?.emailAddresses).toEqual([leaf.email]);
          expect(result.signers[0]?.signingTime).toBeInstanceOf(Date);
          expect(result.signers[0]?.capabilities?.length).toBeGreaterThan(0);

          if (mode.detached) {
            const bad = await verifySignedData(der, { subtle, detachedContent: tampered });
            expect(bad.signers.map((s) => s.status)).toEqual(['digest-mismatch']);
          }
        });
      }
    }
  }

  for (const file of ['smrsa1.pem', 'smec1.pem']) {
    it(`OpenSSL's own test certificate ${file}`, async () => {
      const path = join(opensslCertsDir, file);
      for (const mode of MODES) {
        const der = opensslSign(path, path, 'SHA-256', mode.detached, false, `${file}-${mode.label}`);
        const result = await verifySignedData(der, { subtle, ...(mode.detached ? { detachedContent: content } : {}) });
        expect(result.signers.map((s) => s.status)).toEqual(['good']);
        expect(result.signers[0]?.certificate).toBeInstanceOf(Uint8Array);
      }
      // And OpenSSL accepts what Cachet signs with the same key, trusting smroot.pem.
      const [operator] = loadSoftwareKeyOperators({ keyPem: readFileSync(path) });
      const der = await signSignedData({ subtle, signer: operator!, content, detached: true });
      const sigPath = join(pki.dir, `${file}.cachet.p7`);
      writeFileSync(sigPath, der);
      openssl(['cms', '-verify', '-inform', 'DER', '-in', sigPath, '-binary', '-content', contentPath,
        '-CAfile', join(opensslCertsDir, 'smroot.pem'), '-out', '/dev/null']);
    });
  }

  // DSA is read, never written (RFC 8551 §2.2 dropped it); WebCrypto lacks it, so this is
  // Cachet's own BigInt check and must both accept and reject.
  for (const file of ['smdsa1.pem', 'smdsa2.pem', 'smdsa3.pem']) {
    it(`OpenSSL's DSA certificate ${file}`, async () => {
      const path = join(opensslCertsDir, file);
      for (const mode of MODES) {
        const der = opensslSign(path, path, 'SHA-256', mode.detached, false, `${file}-${mode.label}`);
        const result = await verifySignedData(der, { subtle, ...(mode.detached ? { detachedContent: content } : {}) });
        expect(result.signers.map((s) => s.status)).toEqual(['good']);
        // The signature value is the last OCTET STRING of the SignerInfo: flip its last byte.
        const flipped = der.slice();
        xorByte(flipped, flipped.length - 1, 0x01);
        const bad = await verifySignedData(flipped, { subtle, ...(mode.detached ? { detachedContent: content } : {}) });
        expect(bad.signers.map((s) => s.status)).toEqual(['bad-signature']);
      }
    });
  }
});
