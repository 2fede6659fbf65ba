import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { validateCertificate } from '../../src/pki/certificate-validator';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { TestPki, type IssuedCertificate, type TestCa } from './helpers/openssl-pki';
import { nodeVerifier, soon } from './helpers/pki-fixtures';

// B11: every certificate validated up to a trusted root; intermediates from the message
// or the store; an untrusted root or a certificate marked untrusted is an error; trust
// can be granted narrowly to one foreign certificate.
let pki: TestPki;
let root: TestCa;
let sub: TestCa;
let otherRoot: TestCa;
let leaf: IssuedCertificate;
let foreign: IssuedCertificate;
const verifier = nodeVerifier();

beforeAll(() => {
  pki = new TestPki();
  root = pki.root('root', '/CN=B11 Root');
  sub = root.intermediate('sub', '/CN=B11 Sub CA');
  leaf = sub.issue('leaf', { subject: '/CN=Leaf/emailAddress=leaf@example.org' });
  otherRoot = pki.root('other', '/CN=Foreign Root');
  foreign = otherRoot.issue('foreign', { subject: '/CN=Foreign/emailAddress=someone@foreign.example' });
});
afterAll(() => pki.dispose());

describe('B11 trust', () => {
  it('validates through an intermediate from the message up to the trusted root', async () => {
    const result = await validateCertificate(leaf.parsed, { verifier, anchors: [anchorFromCertificate(root.certificate)], intermediates: [sub.certificate], time: soon() });
    expect(result.valid).toBe(true);
    expect(result.path.map((c) => c.id)).toEqual([sub.certificate.id, leaf.parsed.id]);
    expect(result.anchorSubject).toBe('CN=B11 Root');
  });

  it('says untrusted-root when no anchor is reached', async () => {
    const result = await validateCertificate(leaf.parsed, { verifier, anchors: [anchorFromCertificate(otherRoot.certificate)], intermediates: [sub.certificate], time: soon() });
    expect(result.reason).toBe('untrusted-root');
  });

  it('says untrusted-root when the intermediate is missing', async () => {
    const result = await validateCertificate(leaf.parsed, { verifier, anchors: [anchorFromCertificate(root.certificate)], time: soon() });
    expect(result.reason).toBe('untrusted-root');
  });

  it('rejects a path through a certificate marked untrusted', async () => {
    const result = await validateCertificate(leaf.parsed, {
      verifier, anchors: [anchorFromCertificate(root.certificate)], intermediates: [sub.certificate], untrusted: [sub.certificate], time: soon(),
    });
    expect(result.reason).toBe('explicitly-untrusted');
  });

  it('rejects a root marked untrusted even when it is an anchor', async () => {
    const result = await validateCertificate(leaf.parsed, {
      verifier, anchors: [anchorFromCertificate(root.certificate)], intermediates: [sub.certificate], untrusted: [root.certificate], time: soon(),
    });
    expect(result.valid).toBe(false);
  });

  it('trusts one foreign certificate narrowly without its root', async () => {
    const anchors = [anchorFromCertificate(root.certificate)];
    expect((await validateCertificate(foreign.parsed, { verifier, anchors, time: soon() })).reason).toBe('untrusted-root');
    const result = await validateCertificate(foreign.parsed, { verifier, anchors, trustedCertificates: [foreign.parsed], time: soon() });
    expect(result.valid).toBe(true);
    // The narrow trust covers that certificate only, not others from the same foreign root.
    const sibling = otherRoot.issue('sibling', { subject: '/CN=Sibling' });
    expect((await validateCertificate(sibling.parsed, { verifier, anchors, trustedCertificates: [foreign.parsed], time: soon() })).valid).toBe(false);
  });
});
