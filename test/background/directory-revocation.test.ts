/**
 * `ldap://` CRL distribution points and caIssuers URLs in the background (B10, B11): the
 * browser fetcher hands them to the native host (`directory/read-url`) within the
 * retrieval budget, a URL on the directory's server is read as the directory is, a
 * host-less Active Directory URL is read from the policy's directory, and without an
 * answer B10's default (go ahead silently) and `checkCrl` (go ahead with a visible
 * error) hold. Real certificates and CRLs from OpenSSL, real RFC 5280 validation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryUrlReader, directoryUrlTarget } from '../../background/directory/directory-url-reader';
import type { NativeRequest } from '../../background/directory/host-directory';
import { createCertificateValidation } from '../../background/pki/certificate-validation';
import { createBrowserFetcher } from '../../background/pki/browser-fetcher';
import { createPolicyStore, userOptionsKey } from '../../background/policy-store';
import { bodyOfValues, ldapUrlAttribute } from '../../src/directory/ldap-url-values';
import { CachetError } from '../../src/errors';
import { MemoryCrlCache } from '../../src/pki/crl-cache';
import { pemOrDer } from '../../src/pki/parsed-certificate';
import { defaultDirectorySettings, type DirectoryPolicy } from '../../src/policy';
import type { NativeReq } from '../../src/protocol/native';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { TestPki, type IssuedCertificate, type TestCa } from '../pki/helpers/openssl-pki';
import { memoryStorage } from './memory-storage';

// Commas in the DN are percent-encoded (RFC 4516 allows it), as OpenSSL's extension syntax takes a comma as a separator.
const crlUrl = 'ldap://ldap.example.org/cn=Issuing%20CA%2Cdc=example%2Cdc=org?certificateRevocationList;binary';
const issuerUrl = 'ldap://ldap.example.org/cn=Issuing%20CA%2Cdc=example%2Cdc=org?cACertificate;binary';
const encryption = ['keyUsage = critical, keyAgreement', 'extendedKeyUsage = emailProtection'];

let pki: TestPki;
let root: TestCa;
let issuing: TestCa;
let good: IssuedCertificate;
let revoked: IssuedCertificate;
let viaAia: IssuedCertificate;
let crl: Uint8Array;

beforeAll(() => {
  pki = new TestPki('cachet-ldap-crl-');
  root = pki.root('root', '/O=Example/CN=Example Root');
  issuing = root.intermediate('issuing', '/O=Example/CN=Issuing CA');
  const cdp = `crlDistributionPoints = URI:${crlUrl}`;
  good = issuing.issue('good', { subject: '/CN=Good/emailAddress=good@example.org', extensions: [...encryption, cdp] });
  revoked = issuing.issue('revoked', { subject: '/CN=Revoked/emailAddress=revoked@example.org', extensions: [...encryption, cdp] });
  viaAia = issuing.issue('aia', { subject: '/CN=Aia/emailAddress=aia@example.org', extensions: [...encryption, cdp, `authorityInfoAccess = caIssuers;URI:${issuerUrl}`] });
  issuing.revoke(revoked);
  crl = issuing.crl();
});
afterAll(() => pki.dispose());

type ReadUrl = NativeReq<'directory/read-url'>;

function host(answer: (req: ReadUrl) => Promise<{ values: readonly string[] }>) {
  const asked: ReadUrl[] = [];
  const request = ((type: string, req: ReadUrl) => {
    if (type !== 'directory/read-url') return Promise.reject(new Error(`unexpected ${type}`));
    asked.push(req);
    return answer(req);
  }) as NativeRequest;
  return { request, asked };
}

const directory: DirectoryPolicy = { ...defaultDirectorySettings, url: 'ldaps://ldap.example.org', baseDn: 'dc=example,dc=org', bindDn: 'cn=reader,dc=example,dc=org' };

function validation(request: NativeRequest, user: Record<string, unknown> = {}, httpFetch: typeof fetch = () => Promise.reject(new Error('no HTTP here'))) {
  const policy = createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: { trustedRoots: [bytesToBase64(root.der)], ...user } }));
  const reader = createDirectoryUrlReader(request, async () => (await policy.current()).directory, 1 << 20);
  return createCertificateValidation({ policy, crypto, fetcher: createBrowserFetcher(1 << 20, httpFetch, reader), cache: new MemoryCrlCache() });
}

const intermediates = () => [issuing.der];
const crlValues = () => Promise.resolve({ values: [bytesToBase64(crl)] });

describe('ldap:// CRL distribution points through the native host', () => {
  it('a CRL read from the directory makes a revoked certificate invalid and a good one valid', async () => {
    const { request, asked } = host(crlValues);
    const check = validation(request, { revocationUrlRetrievalTimeoutMs: 2000, certUrlRetrievalTimeoutMs: 3000 });
    const bad = await check.validate(revoked.der, { intermediates: intermediates(), purpose: 'encrypt' });
    expect(bad).toMatchObject({ valid: false, reason: 'revoked' });
    const fine = await check.validate(good.der, { intermediates: intermediates(), purpose: 'encrypt' });
    expect(fine).toMatchObject({ valid: true, warnings: [] });
    expect(asked[0]).toEqual({ url: crlUrl, timeoutMs: expect.any(Number) as unknown, maxBytes: 1 << 20 });
    // Each URL gets at most revocationUrlRetrievalTimeoutMs, capped by what is left of the total.
    for (const req of asked) expect(req.timeoutMs).toBeLessThanOrEqual(2000);
  });

  it('without an answer: by default the certificate is used silently; with checkCrl it is used with a visible error', async () => {
    const { request } = host(() => Promise.reject(new CachetError('directory/unreachable', 'ldap.example.org:389: connection refused')));
    const silent = await validation(request).validate(good.der, { intermediates: intermediates() });
    expect(silent).toMatchObject({ valid: true, warnings: [] });
    const loud = await validation(request, { checkCrl: true }).validate(good.der, { intermediates: intermediates() });
    expect(loud.valid).toBe(true);
    expect(loud.warnings.find((w) => w.subject?.includes('CN=Good'))?.reason).toBe('revocation-unknown');
  });

  it('a host that never answers costs no more than the budget', async () => {
    const { request } = host(() => new Promise(() => undefined));
    const started = Date.now();
    const result = await validation(request, { revocationUrlRetrievalTimeoutMs: 300, certUrlRetrievalTimeoutMs: 400, checkCrl: true }).validate(good.der, { intermediates: intermediates() });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.warnings.find((w) => w.subject?.includes('CN=Good'))?.reason).toBe('revocation-unknown');
  });

  it('is not asked when CRL checks are off', async () => {
    const { request, asked } = host(crlValues);
    const result = await validation(request, { disableCrlCheck: true }).validate(revoked.der, { intermediates: intermediates() });
    expect(result.valid).toBe(true);
    expect(asked).toEqual([]);
  });
});

describe('ldap:// caIssuers through the native host', () => {
  it('fetches the missing issuer from the directory', async () => {
    const { request, asked } = host((req) => Promise.resolve(req.url === issuerUrl ? { values: [bytesToBase64(issuing.der)] } : { values: [bytesToBase64(crl)] }));
    const result = await validation(request).validate(viaAia.der);
    expect(result.valid).toBe(true);
    expect(asked.map((a) => a.url)).toContain(issuerUrl);
  });
});

describe('which server and how', () => {
  it('reads a URL on the directory\'s server as the directory is read, and another server anonymously', async () => {
    const { request, asked } = host(crlValues);
    const reader = createDirectoryUrlReader(request, () => Promise.resolve(directory), 4096);
    const signal = new AbortController().signal;
    await reader.fetch('ldaps://LDAP.example.org:636/cn=CA?certificateRevocationList', { timeoutMs: 999_999, signal });
    await reader.fetch('ldap://other.example.org/cn=CA?certificateRevocationList', { timeoutMs: 1500.7, signal });
    expect(asked).toEqual([
      { url: 'ldaps://LDAP.example.org:636/cn=CA?certificateRevocationList', timeoutMs: 120_000, maxBytes: 4096, connection: { startTls: false, bindDn: 'cn=reader,dc=example,dc=org' } },
      { url: 'ldap://other.example.org/cn=CA?certificateRevocationList', timeoutMs: 1500, maxBytes: 4096 },
    ]);
  });

  it('reads Active Directory\'s host-less ldap:///CN=… from the policy\'s directory, and refuses it without one', async () => {
    expect(directoryUrlTarget('ldap:///CN=Issuing,CN=CDP,DC=corp?certificateRevocationList?base', directory))
      .toBe('ldaps://ldap.example.org/CN=Issuing,CN=CDP,DC=corp?certificateRevocationList?base');
    const { request } = host(crlValues);
    const reader = createDirectoryUrlReader(request, () => Promise.resolve(null), 4096);
    await expect(reader.fetch('ldap:///CN=CA?certificateRevocationList', { timeoutMs: 1000, signal: new AbortController().signal })).rejects.toThrow(/names no server/);
  });

  it('an entry without the value, and a host error, are retrieval errors naming the URL', async () => {
    const signal = new AbortController().signal;
    const empty = createDirectoryUrlReader(host(() => Promise.resolve({ values: [] })).request, () => Promise.resolve(null), 4096);
    await expect(empty.fetch(crlUrl, { timeoutMs: 1000, signal })).rejects.toThrow(`${crlUrl}: the entry has no such value`);
    const refused = createDirectoryUrlReader(host(() => Promise.reject(new CachetError('directory/refused', 'noSuchObject'))).request, () => Promise.resolve(null), 4096);
    await expect(refused.fetch(crlUrl, { timeoutMs: 1000, signal })).rejects.toMatchObject({ name: 'RetrievalError', message: `${crlUrl}: noSuchObject` });
  });

  it('HTTP URLs stay with the browser\'s fetch, and LDAP ones need the host', async () => {
    const { request, asked } = host(crlValues);
    const fetched: string[] = [];
    const httpFetch = ((url: string) => {
      fetched.push(url);
      return Promise.resolve(new Response(new Uint8Array([1, 2, 3])));
    }) as typeof fetch;
    const fetcher = createBrowserFetcher(4096, httpFetch, createDirectoryUrlReader(request, () => Promise.resolve(null), 4096));
    const signal = new AbortController().signal;
    expect(await fetcher.fetch('http://crl.example.org/ca.crl', { timeoutMs: 1000, signal })).toEqual(new Uint8Array([1, 2, 3]));
    await fetcher.fetch(crlUrl, { timeoutMs: 1000, signal });
    expect(fetched).toEqual(['http://crl.example.org/ca.crl']);
    expect(asked.map((a) => a.url)).toEqual([crlUrl]);
    await expect(createBrowserFetcher(4096, httpFetch).fetch(crlUrl, { timeoutMs: 1000, signal })).rejects.toThrow(/native host/);
  });
});

describe('values as a response body', () => {
  it('one value as it is; several as PEM under the label of what the attribute holds', () => {
    expect(bodyOfValues(crlUrl, [bytesToBase64(crl)])).toEqual(crl);
    expect(bodyOfValues(crlUrl, [])).toBeUndefined();
    const crls = new TextDecoder().decode(bodyOfValues(crlUrl, [bytesToBase64(crl), bytesToBase64(crl)]));
    expect(pemOrDer(new TextEncoder().encode(crls), 'X509 CRL')).toEqual([crl, crl]);
    const certs = bodyOfValues(issuerUrl, [bytesToBase64(issuing.der), bytesToBase64(root.der)]) ?? new Uint8Array();
    expect(pemOrDer(certs)).toEqual([issuing.der, root.der]);
  });

  it('reads the attribute an RFC 4516 URL names', () => {
    expect(ldapUrlAttribute(crlUrl)).toBe('certificaterevocationlist');
    expect(ldapUrlAttribute('ldap://h/cn=x?authorityRevocationList%3Bbinary?base')).toBe('authorityrevocationlist');
    expect(ldapUrlAttribute('ldap://h/cn=x')).toBeUndefined();
    expect(ldapUrlAttribute('ldap://h/cn=x?%ZZ')).toBeUndefined();
  });
});
