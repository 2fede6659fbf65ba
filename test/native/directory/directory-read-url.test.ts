/**
 * `directory/read-url` against the real slapd, through the host's handler: the CRL and CA
 * certificate attributes an RFC 4516 URL names (percent-encoded DN, with or without
 * ;binary), a cross-certificate pair given as its two certificates, the limits of the
 * request, and the URLs Cachet refuses to read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFetcher } from '../../../native-host/pki/scheme-fetcher';
import { RetrievalError } from '../../../src/pki/fetcher';
import { pemOrDer } from '../../../src/pki/parsed-certificate';
import { TestPki, type TestCa } from '../../pki/helpers/openssl-pki';
import { addEntries, DIRECTORY_CA_PATH, freshSubtree, LDAP_URL } from '../../support/directory';
import { certificatePair } from '../../support/directory-fixtures';
import { directoryHost, expectDirectoryError } from '../../support/directory-host';

const host = directoryHost({ trustedCertificateFiles: [DIRECTORY_CA_PATH] });
let pki: TestPki;
let root: TestCa;
let other: TestCa;
let crl: Uint8Array;
let arl: Uint8Array;
let forward: Uint8Array;
let reverse: Uint8Array;
let caDn: string;
let caUrl: string;

const b64 = (der: Uint8Array): string => Buffer.from(der).toString('base64');
const read = (url: string, change: { timeoutMs?: number; maxBytes?: number; connection?: { startTls: boolean; bindDn: null } } = {}) =>
  host.call('directory/read-url', { url, timeoutMs: 10_000, maxBytes: 1 << 20, ...change });

beforeAll(async () => {
  pki = new TestPki('cachet-directory-read-');
  root = pki.root('root', '/CN=Read Root CA');
  other = pki.root('other', '/CN=Read Other CA');
  const sub = root.intermediate('sub', '/CN=Read Sub CA');
  root.revoke(sub);
  crl = root.crl(24);
  arl = other.crl(24);
  forward = root.crossCertify(other, '/CN=Read Other CA', 'forward');
  reverse = other.crossCertify(root, '/CN=Read Root CA', 'reverse');
  const base = await freshSubtree('read-url');
  caDn = `cn=Read Root CA,${base}`;
  caUrl = `${LDAP_URL}/${encodeURIComponent(caDn).replaceAll('%3D', '=').replaceAll('%2C', ',')}`;
  await addEntries([
    {
      dn: caDn,
      attributes: {
        objectClass: ['applicationProcess', 'pkiCA'], cn: 'Read Root CA',
        'cACertificate;binary': root.der, 'certificateRevocationList;binary': crl, 'authorityRevocationList;binary': arl,
        'crossCertificatePair;binary': certificatePair(forward, reverse),
      },
    },
    { dn: `cn=Empty CA,${base}`, attributes: { objectClass: ['applicationProcess', 'pkiCA'], cn: 'Empty CA' } },
    { dn: `cn=Moved CA,${base}`, attributes: { objectClass: ['referral', 'extensibleObject'], cn: 'Moved CA', ref: 'ldap://other.example.test/cn=Moved%20CA,dc=other,dc=test' } },
  ]);
});

afterAll(() => pki.dispose());

describe('directory/read-url', () => {
  it('reads a CRL distribution point, with or without ;binary in the URL', async () => {
    expect(caUrl).toContain('cn=Read%20Root%20CA,');
    expect(await read(`${caUrl}?certificateRevocationList;binary?base`)).toEqual({ values: [b64(crl)] });
    expect(await read(`${caUrl}?certificateRevocationList`)).toEqual({ values: [b64(crl)] });
    expect(await read(`${caUrl}?authorityRevocationList;binary`)).toEqual({ values: [b64(arl)] });
  });

  it('reads caIssuers: the CA certificate, and both certificates of a cross-certificate pair', async () => {
    expect(await read(`${caUrl}?cACertificate;binary`)).toEqual({ values: [b64(root.der)] });
    expect(await read(`${caUrl}?crossCertificatePair;binary`)).toEqual({ values: [b64(forward), b64(reverse)] });
  });

  it('reads over StartTLS when the connection asks for it', async () => {
    expect(await read(`${caUrl}?cACertificate;binary`, { connection: { startTls: true, bindDn: null } })).toEqual({ values: [b64(root.der)] });
  });

  it('gives no values for an entry without the attribute, and refuses a DN that is not there', async () => {
    const empty = caUrl.replace('Read%20Root%20CA', 'Empty%20CA');
    expect(await read(`${empty}?deltaRevocationList;binary`)).toEqual({ values: [] });
    await expectDirectoryError(read(`${caUrl.replace('Read%20Root', 'Missing')}?cACertificate;binary`), 'directory/refused', /no such entry/);
  });

  it('does not follow a referral', async () => {
    const moved = caUrl.replace('Read%20Root%20CA', 'Moved%20CA');
    await expectDirectoryError(read(`${moved}?cACertificate;binary`), 'directory/refused', /referral, which Cachet does not follow/);
  });

  it('refuses values over maxBytes', async () => {
    await expectDirectoryError(read(`${caUrl}?certificateRevocationList;binary`, { maxBytes: crl.length - 1 }), 'directory/refused', new RegExp(`more than the ${crl.length - 1} allowed`));
  });

  it.each([
    ['no host, as Active Directory writes it', 'ldap:///cn=Read%20Root%20CA,dc=example,dc=test?cACertificate;binary', /no host/],
    ['no DN', `${LDAP_URL}/?cACertificate;binary`, /no DN/],
    ['no attribute', `${LDAP_URL}/cn=x,dc=example,dc=test`, /exactly one attribute/],
    ['two attributes', `${LDAP_URL}/cn=x,dc=example,dc=test?cACertificate,certificateRevocationList`, /exactly one attribute/],
    ['an attribute that is not a CRL or certificate', `${LDAP_URL}/cn=x,dc=example,dc=test?userPassword`, /not a CRL or certificate attribute/],
    ['a critical extension', `${LDAP_URL}/cn=x,dc=example,dc=test?cACertificate??(objectClass=*)?!bindname=cn=admin`, /critical extension/],
    ['bad percent-encoding', `${LDAP_URL}/cn=%zz,dc=example,dc=test?cACertificate`, /percent-encoding/],
    ['an unknown scope', `${LDAP_URL}/cn=x,dc=example,dc=test?cACertificate?children`, /unknown scope/],
  ])('refuses a URL with %s', async (_, url, problem) => {
    await expectDirectoryError(read(url), 'input/invalid', problem);
  });
});

describe('the command line\'s fetcher', () => {
  const fetcher = cliFetcher();
  const fetch = (url: string) => fetcher.fetch(url, { timeoutMs: 5000, signal: new AbortController().signal });

  it('reads ldap:// CRLs as DER and caIssuers as PEM certificates, as the PKI layer reads any fetcher', async () => {
    expect(Buffer.from(await fetch(`${caUrl}?certificateRevocationList;binary`))).toEqual(Buffer.from(crl));
    expect(pemOrDer(await fetch(`${caUrl}?cACertificate;binary`)).map(b64)).toEqual([b64(root.der)]);
    expect(pemOrDer(await fetch(`${caUrl}?crossCertificatePair;binary`)).map(b64)).toEqual([b64(forward), b64(reverse)]);
  });

  it('turns what fails into retrieval errors', async () => {
    const empty = caUrl.replace('Read%20Root%20CA', 'Empty%20CA');
    await expect(fetch(`${empty}?certificateRevocationList;binary`)).rejects.toBeInstanceOf(RetrievalError);
    await expect(fetch('ldap:///cn=x,dc=example,dc=test?certificateRevocationList')).rejects.toThrow(/input\/invalid: .*no host/);
    await expect(fetch('ftp://127.0.0.1/ca.crl')).rejects.toThrow(/unsupported URL scheme/);
    await expect(fetcher.fetch(`${caUrl}?cACertificate`, { timeoutMs: 5000, signal: new AbortController().signal, body: new Uint8Array(1) })).rejects.toThrow(/only HTTP takes a request body/);
  });
});
