import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { certificateModel, matchingAddress } from '../../src/pki/certificate-model';
import { addressesEqual } from '../../src/pki/email-address';
import { selectCertificate } from '../../src/pki/select-certificate';
import { TestPki, type TestCa } from './helpers/openssl-pki';

// B1: an address matches a certificate's subject emailAddress, else a subjectAltName
// rfc822Name, the domain compared case-insensitively; aliases are tried unless
// certMatchingDoNotUseProxies.
let pki: TestPki;
let ca: TestCa;
// openssl starts validity at issuance; look a minute later.
const now = new Date(Date.now() + 60_000);

beforeAll(() => {
  pki = new TestPki();
  ca = pki.root('root', '/CN=B1 Root');
});
afterAll(() => pki.dispose());

/** DER of GeneralNames with one SmtpUTF8Mailbox otherName (RFC 8398 §3), as hex for openssl's DER: form. */
function smtpUtf8San(mailbox: string): string {
  const tlv = (tag: number, body: Buffer): Buffer => {
    if (body.length > 127) throw new Error('test helper handles short values only');
    return Buffer.concat([Buffer.from([tag, body.length]), body]);
  };
  const oid = Buffer.from('06082b06010505070809', 'hex'); // 1.3.6.1.5.5.7.8.9
  const value = tlv(0xa0, tlv(0x0c, Buffer.from(mailbox, 'utf8')));
  return tlv(0x30, tlv(0xa0, Buffer.concat([oid, value]))).toString('hex');
}

const signing = ['keyUsage = critical, digitalSignature', 'extendedKeyUsage = emailProtection'];

describe('B1 address matching', () => {
  it('matches the subject emailAddress with a case-insensitive domain', async () => {
    const cert = ca.issue('subject-email', { subject: '/CN=Alice/emailAddress=Alice@Example.ORG', extensions: signing });
    const model = certificateModel(cert.parsed);
    expect(matchingAddress(model, 'Alice@example.org')?.source).toBe('subject');
    const result = await selectCertificate([model], { purpose: 'sign', address: 'Alice@EXAMPLE.org', time: now });
    expect(result.selected).toBe(model);
  });

  it('compares the local part exactly', () => {
    const cert = ca.issue('local-part', { subject: '/CN=Alice/emailAddress=Alice@example.org', extensions: signing });
    expect(matchingAddress(certificateModel(cert.parsed), 'alice@example.org')).toBeUndefined();
  });

  it('falls back to subjectAltName rfc822Name', () => {
    const cert = ca.issue('san-email', { subject: '/CN=Bob', extensions: [...signing, 'subjectAltName = email:bob@example.org, email:robert@example.net'] });
    const model = certificateModel(cert.parsed);
    expect(matchingAddress(model, 'robert@EXAMPLE.net')?.source).toBe('subjectAltName');
    expect(matchingAddress(model, 'carol@example.org')).toBeUndefined();
  });

  it('normalises internationalised domains (A-label and U-label are one domain)', () => {
    expect(addressesEqual('jose@bücher.example', 'jose@xn--bcher-kva.example')).toBe(true);
    expect(addressesEqual('jose@BÜCHER.example', 'jose@bücher.example')).toBe(true);
    const cert = ca.issue('idn', { subject: '/CN=Jose', extensions: [...signing, 'subjectAltName = email:jose@xn--bcher-kva.example'] });
    expect(matchingAddress(certificateModel(cert.parsed), 'jose@Bücher.example')).toBeDefined();
  });

  it('reads internationalised mailboxes from SmtpUTF8Mailbox (RFC 8398)', () => {
    const cert = ca.issue('utf8-mailbox', { subject: '/CN=Jos', extensions: [...signing, `2.5.29.17 = DER:${smtpUtf8San('josé@bücher.example')}`] });
    const model = certificateModel(cert.parsed);
    expect(model.addresses.map((a) => a.address)).toContain('josé@bücher.example');
    expect(matchingAddress(model, 'josé@xn--bcher-kva.example')).toBeDefined();
    expect(matchingAddress(model, 'jose@bücher.example')).toBeUndefined();
  });

  it('tries aliases when the primary address matches nothing', async () => {
    const cert = ca.issue('alias', { subject: '/CN=Dana/emailAddress=dana@old.example', extensions: signing });
    const model = certificateModel(cert.parsed);
    const result = await selectCertificate([model], { purpose: 'sign', address: 'dana@new.example', aliases: ['dana@old.example'], time: now });
    expect(result.selected).toBe(model);
    expect(result.matchedAddress).toBe('dana@old.example');
  });

  it('does not use aliases with certMatchingDoNotUseProxies', async () => {
    const cert = ca.issue('no-alias', { subject: '/CN=Dana/emailAddress=dana@old.example', extensions: signing });
    const model = certificateModel(cert.parsed);
    const result = await selectCertificate([model], {
      purpose: 'sign', address: 'dana@new.example', aliases: ['dana@old.example'], time: now,
      policy: { certMatchingDoNotUseProxies: true, smartCardOnly: false },
    });
    expect(result.selected).toBeUndefined();
    expect(result.rejected).toEqual([{ model, reason: 'no-address-match' }]);
  });

  it('prefers the primary address over aliases', async () => {
    const primary = certificateModel(ca.issue('primary', { subject: '/CN=Eve/emailAddress=eve@a.example', extensions: signing }).parsed);
    const alias = certificateModel(ca.issue('alias2', { subject: '/CN=Eve/emailAddress=eve@b.example', extensions: signing }).parsed);
    const result = await selectCertificate([alias, primary], { purpose: 'sign', address: 'eve@a.example', aliases: ['eve@b.example'], time: now });
    expect(result.selected).toBe(primary);
  });
});
