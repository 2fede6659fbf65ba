import { webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HttpFetcher } from '../../native-host/pki/http-fetcher';
import { certificateModel } from '../../src/pki/certificate-model';
import { validateCertificate, type ValidationOptions } from '../../src/pki/certificate-validator';
import { MemoryCrlCache, type CrlCache } from '../../src/pki/crl-cache';
import type { RetrievalLimits } from '../../src/pki/fetcher';
import { networkSources } from '../../src/pki/network-sources';
import { pemOrDer } from '../../src/pki/parsed-certificate';
import { selectCertificate } from '../../src/pki/select-certificate';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { LoopbackServer } from './helpers/loopback-server';
import { TestPki, openssl, type IssuedCertificate, type TestCa } from './helpers/openssl-pki';
import { nodeVerifier, soon } from './helpers/pki-fixtures';

// B10, B11, B20 over a real HTTP server on loopback: intermediates by AIA, CRLs from
// distribution points cached until nextUpdate, OCSP, per-URL and total timeouts.
const crypto = webcrypto as unknown as Crypto;
const verifier = nodeVerifier();
const server = new LoopbackServer();
let pki: TestPki;
let root: TestCa;
let sub: TestCa;
let good: IssuedCertificate;
let revoked: IssuedCertificate;
let twoHanging: IssuedCertificate;
let failing: IssuedCertificate;
let ocspGood: IssuedCertificate;
let ocspRevoked: IssuedCertificate;
let responder: IssuedCertificate;

const email = 'ivy@example.org';

beforeAll(async () => {
  await server.start();
  const base = server.base;
  pki = new TestPki();
  root = pki.root('root', '/CN=Fetch Root');
  sub = root.intermediate('sub', '/CN=Fetch Sub CA', [`crlDistributionPoints = URI:${base}/root.crl`]);
  const leafExt = (dp: string[], aia = `caIssuers;URI:${base}/sub.cer`) => [
    'keyUsage = critical, digitalSignature, keyAgreement', 'extendedKeyUsage = emailProtection',
    `authorityInfoAccess = ${aia}`,
    ...(dp.length ? [`crlDistributionPoints = ${dp.map((p) => `URI:${base}${p}`).join(', ')}`] : []),
  ];
  good = sub.issue('good', { subject: `/CN=Ivy/emailAddress=${email}`, extensions: leafExt(['/sub.crl']) });
  revoked = sub.issue('revoked', { subject: `/CN=Ivy Old/emailAddress=${email}`, extensions: leafExt(['/sub.crl']) });
  twoHanging = sub.issue('hanging', { subject: '/CN=Hanging', extensions: leafExt(['/hang1.crl', '/hang2.crl']) });
  failing = sub.issue('failing', { subject: '/CN=Failing', extensions: leafExt(['/broken.crl']) });
  responder = sub.issue('responder', { subject: '/CN=Fetch OCSP Responder', extensions: ['keyUsage = critical, digitalSignature', 'extendedKeyUsage = OCSPSigning'] });
  const ocspExt = leafExt([], `caIssuers;URI:${base}/sub.cer, OCSP;URI:${base}/ocsp`);
  ocspGood = sub.issue('ocsp-good', { subject: '/CN=Ocsp Good', extensions: ocspExt });
  ocspRevoked = sub.issue('ocsp-revoked', { subject: '/CN=Ocsp Revoked', extensions: ocspExt });
  sub.revoke(revoked);
  sub.revoke(ocspRevoked);

  const subCrl = sub.crl(24);
  const rootCrl = root.crl(24);
  server.routes.set('/sub.cer', { kind: 'bytes', body: () => sub.der });
  server.routes.set('/sub.crl', { kind: 'bytes', body: () => subCrl });
  server.routes.set('/root.crl', { kind: 'bytes', body: () => rootCrl });
  server.routes.set('/hang1.crl', { kind: 'hang' });
  server.routes.set('/hang2.crl', { kind: 'hang' });
  server.routes.set('/broken.crl', { kind: 'status', status: 500 });
  server.routes.set('/ocsp', {
    kind: 'post',
    handle: (body) => {
      const req = path.join(sub.home, 'ocsp-req.der');
      const resp = path.join(sub.home, 'ocsp-resp.der');
      writeFileSync(req, body);
      openssl(['ocsp', '-index', path.join(sub.home, 'index.txt'), '-CA', sub.certPath, '-rsigner', responder.certPath, '-rkey', responder.keyPath, '-reqin', req, '-respout', resp, '-ndays', '1']);
      return new Uint8Array(readFileSync(resp));
    },
  });
});

afterAll(async () => {
  await server.stop();
  pki.dispose();
});

const fetcher = new HttpFetcher();
const generous: RetrievalLimits = { perUrlTimeoutMs: 20_000, totalTimeoutMs: 20_000, maxBytes: 1 << 20 };

function options(limits: RetrievalLimits = generous, cache: CrlCache = new MemoryCrlCache(), now?: () => Date): ValidationOptions {
  return {
    verifier,
    anchors: [anchorFromCertificate(root.certificate)],
    time: soon(),
    sources: networkSources({ fetcher, crypto, verifier, cache, limits, ...(now ? { now } : {}) }),
  };
}

describe('B11/B20 intermediates by AIA', () => {
  it('fetches the missing intermediate from caIssuers and validates the path', async () => {
    const before = server.count('/sub.cer');
    const result = await validateCertificate(good.parsed, { ...options(), revocation: 'require' });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.path.map((c) => c.id)).toEqual([sub.certificate.id, good.parsed.id]);
    expect(server.count('/sub.cer')).toBe(before + 1);
  });
});

describe('B10 CRLs from distribution points', () => {
  it('keeps a fetched CRL until nextUpdate: the second check makes no request', async () => {
    const cache = new MemoryCrlCache();
    const before = server.count('/sub.crl');
    expect((await validateCertificate(good.parsed, { ...options(generous, cache), revocation: 'require' })).valid).toBe(true);
    expect(server.count('/sub.crl')).toBe(before + 1);
    expect((await validateCertificate(good.parsed, { ...options(generous, cache), revocation: 'require' })).valid).toBe(true);
    expect(server.count('/sub.crl')).toBe(before + 1);
    // Past nextUpdate (24 h) the cached CRL is not used any more.
    const later = () => new Date(Date.now() + 25 * 3600_000);
    await validateCertificate(good.parsed, { ...options(generous, cache, later), revocation: 'require' });
    expect(server.count('/sub.crl')).toBe(before + 2);
  });

  it('never accepts a revoked certificate, and selection skips it', async () => {
    const result = await validateCertificate(revoked.parsed, options());
    expect(result.reason).toBe('revoked');
    const models = [certificateModel(revoked.parsed), certificateModel(good.parsed)];
    // The revoked one is newer, so it would rank first without validation.
    const selection = await selectCertificate(models, {
      purpose: 'encrypt', address: email, time: soon(),
      isUsable: async (m) => (await validateCertificate(m.certificate, options())).valid,
    });
    expect(selection.selected?.certificate.id).toBe(good.parsed.id);
    expect(selection.rejected.map((r) => [r.model.certificate.id, r.reason])).toContainEqual([revoked.parsed.id, 'invalid']);
  });

  it('with no CRL to be had goes ahead silently by default', async () => {
    const result = await validateCertificate(failing.parsed, options());
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('with checkCrl goes ahead with a visible revocation-unknown', async () => {
    const result = await validateCertificate(failing.parsed, { ...options(), reportUnknownRevocation: true });
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({ reason: 'revocation-unknown', subject: 'CN=Failing' })]);
  });
});

describe('B10 retrieval time limits', () => {
  it('honours the per-URL timeout: each hanging URL is given up and the next one tried', async () => {
    const limits: RetrievalLimits = { perUrlTimeoutMs: 300, totalTimeoutMs: 30_000, maxBytes: 1 << 20 };
    const before = [server.count('/hang1.crl'), server.count('/hang2.crl')];
    const result = await validateCertificate(twoHanging.parsed, { ...options(limits), reportUnknownRevocation: true });
    expect(result.valid).toBe(true);
    expect(result.warnings.map((w) => w.reason)).toEqual(['revocation-unknown']);
    expect([server.count('/hang1.crl'), server.count('/hang2.crl')]).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  it('honours the total timeout: once it is spent no further URL is fetched', async () => {
    const limits: RetrievalLimits = { perUrlTimeoutMs: 30_000, totalTimeoutMs: 1_500, maxBytes: 1 << 20 };
    const before = [server.count('/hang1.crl'), server.count('/hang2.crl')];
    const result = await validateCertificate(twoHanging.parsed, { ...options(limits), intermediates: [sub.certificate], revocation: 'require' });
    expect(result.reason).toBe('revocation-unknown');
    expect([server.count('/hang1.crl'), server.count('/hang2.crl')]).toEqual([before[0]! + 1, before[1]!]);
  });
});

describe('B10 OCSP where the certificate names a responder', () => {
  it('accepts a good answer from a delegated responder', async () => {
    const result = await validateCertificate(ocspGood.parsed, { ...options(), intermediates: [sub.certificate], revocation: 'require' });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('rejects a certificate the responder says is revoked', async () => {
    const result = await validateCertificate(ocspRevoked.parsed, { ...options(), intermediates: [sub.certificate], revocation: 'require' });
    expect(result.reason).toBe('revoked');
  });

  it('ignores an answer signed by a responder the CA did not certify', async () => {
    const stranger = root.issue('stranger-responder', { subject: '/CN=Stranger', extensions: ['extendedKeyUsage = OCSPSigning'] });
    const original = server.routes.get('/ocsp');
    server.routes.set('/ocsp', {
      kind: 'post',
      handle: (body) => {
        const req = path.join(sub.home, 'ocsp-req2.der');
        const resp = path.join(sub.home, 'ocsp-resp2.der');
        writeFileSync(req, body);
        openssl(['ocsp', '-index', path.join(sub.home, 'index.txt'), '-CA', sub.certPath, '-rsigner', stranger.certPath, '-rkey', stranger.keyPath, '-reqin', req, '-respout', resp, '-ndays', '1']);
        return new Uint8Array(readFileSync(resp));
      },
    });
    try {
      const result = await validateCertificate(ocspGood.parsed, { ...options(), intermediates: [sub.certificate], revocation: 'require' });
      expect(result.reason).toBe('revocation-unknown');
    } finally {
      if (original) server.routes.set('/ocsp', original);
    }
  });
});

it('reads PEM and DER alike', () => {
  expect(pemOrDer(readFileSync(sub.certPath))[0]).toEqual(sub.der);
});
