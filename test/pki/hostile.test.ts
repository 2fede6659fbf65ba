import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isCachetError } from '../../src/errors';
import { certificateModel, matchingAddress } from '../../src/pki/certificate-model';
import { validateCertificate } from '../../src/pki/certificate-validator';
import { parseCertificate, type ParsedCertificate } from '../../src/pki/parsed-certificate';
import { parseCrl } from '../../src/pki/parsed-crl';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { TestPki, type TestCa } from './helpers/openssl-pki';
import { nodeVerifier, soon } from './helpers/pki-fixtures';

// Hostile certificates and CRLs end in typed errors, never a crash or a hang.
const pkits = '../shared/corpora/pkits';
const sampleCert = new Uint8Array(readFileSync(`${pkits}/certs/GoodCACert.crt`));
const sampleCrl = new Uint8Array(readFileSync(`${pkits}/crls/GoodCACRL.crl`));
const verifier = nodeVerifier();

/** Runs `f`; it may succeed or throw a CachetError, nothing else. */
function onlyTypedErrors(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    if (!isCachetError(error)) throw error;
    expect(error.code).toBe('pki/malformed');
  }
}

describe('hostile DER', () => {
  it('rejects every truncation of a certificate with pki/malformed', () => {
    for (let n = 0; n < sampleCert.length; n++) {
      expect(() => parseCertificate(sampleCert.subarray(0, n))).toThrow(expect.objectContaining({ code: 'pki/malformed' }));
    }
  });

  it('rejects every truncation of a CRL with pki/malformed', () => {
    for (let n = 0; n < sampleCrl.length; n++) {
      expect(() => parseCrl(sampleCrl.subarray(0, n))).toThrow(expect.objectContaining({ code: 'pki/malformed' }));
    }
  });

  it('survives random corruption of certificates and CRLs', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
      for (const sample of [sampleCert, sampleCrl]) {
        const copy = new Uint8Array(sample);
        for (const [at, value] of edits) copy[at % copy.length] = value;
        onlyTypedErrors(() => (sample === sampleCert ? parseCertificate(copy) : parseCrl(copy)));
      }
    }), { numRuns: 500 });
  });

  it('rejects huge inputs and absurd lengths without reading them', () => {
    expect(() => parseCertificate(new Uint8Array(4 << 20).fill(0x30))).toThrow(expect.objectContaining({ code: 'pki/malformed' }));
    expect(() => parseCertificate(Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30))).toThrow(expect.objectContaining({ code: 'pki/malformed' }));
    expect(() => parseCertificate(Uint8Array.of(0x30, 0x80, 0x00, 0x00))).toThrow(expect.objectContaining({ code: 'pki/malformed' }));
  });

  it('parses a CRL with 100,000 entries', () => {
    // A syntactically valid CertificateList built here: what matters is that size alone is handled.
    const entry = (i: number): number[] => [0x30, 0x15, 0x02, 0x04, (i >> 24) & 0xff, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff, 0x17, 0x0d, ...Buffer.from('200101000000Z')];
    const len = (n: number): number[] => [0x84, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    const entries: number[] = [];
    for (let i = 1; i <= 100_000; i++) entries.push(...entry(i & 0x7fffffff));
    const alg = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00];
    const name = [0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, ...Buffer.from('Huge')];
    const time = [0x17, 0x0d, ...Buffer.from('200101000000Z')];
    const revoked = [0x30, ...len(entries.length), ...entries];
    const tbsBody = [0x02, 0x01, 0x01, ...alg, ...name, ...time, ...time, ...revoked];
    const tbs = [0x30, ...len(tbsBody.length), ...tbsBody];
    const body = [...tbs, ...alg, 0x03, 0x02, 0x00, 0x00];
    const der = Uint8Array.from([0x30, ...len(body.length), ...body]);
    const crl = parseCrl(der);
    expect(crl.entries.size).toBe(100_000);
  });
});

describe('hostile PKI structures', () => {
  let pki: TestPki;
  let root: TestCa;
  beforeAll(() => {
    pki = new TestPki();
    root = pki.root('root', '/CN=Hostile Root');
  });
  afterAll(() => pki.dispose());

  it('handles 10,000 subjectAltName entries', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `email:user${i}@example.org`).join(', ');
    const cert = root.issue('many-sans', { subject: '/CN=Many', extensions: [`subjectAltName = ${names}`] });
    const model = certificateModel(cert.parsed);
    expect(model.addresses).toHaveLength(10_000);
    expect(matchingAddress(model, 'user9999@example.org')).toBeDefined();
    expect(matchingAddress(model, 'user10000@example.org')).toBeUndefined();
  });

  it('ends a deep chain with an error instead of following it forever', async () => {
    const chain: ParsedCertificate[] = [];
    let ca = root;
    for (let i = 0; i < 20; i++) {
      ca = ca.intermediate(`deep${i}`, `/CN=Deep ${i}`);
      chain.push(ca.certificate);
    }
    const leaf = ca.issue('deep-leaf', { subject: '/CN=Deep Leaf' });
    const result = await validateCertificate(leaf.parsed, { verifier, anchors: [anchorFromCertificate(root.certificate)], intermediates: chain, time: soon(), revocation: 'off' });
    // The path is longer than the builder's depth limit.
    expect(result.valid).toBe(false);
    expect(result.reason).toBe('untrusted-root');
  });

  it('stops in loops of cross-certificates', async () => {
    // Five CAs that all certify each other, none reaching the anchor.
    const cas = Array.from({ length: 5 }, (_, i) => pki.root(`mesh${i}`, `/CN=Mesh ${i}`));
    const pool: ParsedCertificate[] = [];
    cas.forEach((issuer, i) => cas.forEach((subject, j) => {
      if (i !== j) pool.push(parseCertificate(issuer.crossCertify(subject, `/CN=Mesh ${j}`, `cross-${i}-${j}`)));
    }));
    const leaf = cas[0]?.issue('mesh-leaf', { subject: '/CN=Mesh Leaf' });
    if (!leaf) throw new Error('no leaf');
    const result = await validateCertificate(leaf.parsed, { verifier, anchors: [anchorFromCertificate(root.certificate)], intermediates: pool, time: soon(), revocation: 'off' });
    expect(result.reason).toBe('untrusted-root');
  });

  it('bounds the policy tree when mappings multiply it', async () => {
    const policies = Array.from({ length: 30 }, (_, i) => `1.3.6.1.4.1.55555.${i + 1}`);
    const mappings = policies.flatMap((a) => policies.map((b) => `${a}:${b}`)).join(', ');
    const ext = [`certificatePolicies = ${policies.join(', ')}`, `policyMappings = ${mappings}`];
    const chain: ParsedCertificate[] = [];
    let ca = root;
    for (let i = 0; i < 3; i++) {
      ca = ca.intermediate(`policy${i}`, `/CN=Policy ${i}`, ext);
      chain.push(ca.certificate);
    }
    const leaf = ca.issue('policy-leaf', { subject: '/CN=Policy Leaf', extensions: [`certificatePolicies = ${policies.join(', ')}`] });
    const result = await validateCertificate(leaf.parsed, { verifier, anchors: [anchorFromCertificate(root.certificate)], intermediates: chain, time: soon(), revocation: 'off' });
    expect(result.reason).toBe('policy');
    expect(result.errors[0]?.message).toContain('too complex');
  });
});
