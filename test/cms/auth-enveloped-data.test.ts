/** AuthEnvelopedData details (RFC 5083): authenticated attributes as GCM additional data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAuthEnvelopedData } from '../../src/cms/auth-enveloped-data';
import { decryptEnvelope } from '../../src/cms/decrypt';
import { encryptContent } from '../../src/cms/encrypt';
import { oid, sequence, setOf } from '../../src/cms/der-writer';
import { OID_ATTR_CONTENT_TYPE, OID_DATA } from '../../src/cms/oids';
import { readRecipientCertificate } from '../../src/cms/recipient-certificate';
import { crypto, identityFromPem, openssl, SMIME_CERTS, utf8 } from './envelope-helpers';

const rsa = identityFromPem('rsa', `${SMIME_CERTS}/smrsa1.pem`);
const MESSAGE = utf8('Content-Type: text/plain\r\n\r\nauthenticated\r\n');
const contentTypeAttribute = sequence(oid(OID_ATTR_CONTENT_TYPE), setOf([oid(OID_DATA)]));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cachet-authenv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withAttributes(): Promise<Uint8Array> {
  return buildAuthEnvelopedData(crypto, MESSAGE, [readRecipientCertificate(rsa.certificate)], {
    cipher: 'aes-256-gcm',
    keyTransport: { name: 'RSAES-PKCS1-v1_5' },
    preferSubjectKeyIdentifier: false,
    authAttributes: [contentTypeAttribute],
  });
}

describe('AuthEnvelopedData', () => {
  it('openssl reads what Cachet writes by default (no authAttrs)', async () => {
    const der = await encryptContent(crypto, MESSAGE, { recipients: [rsa.certificate], cipher: 'aes-256-gcm' });
    const path = join(dir, 'plain.der');
    writeFileSync(path, der);
    expect(openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', path, '-inkey', rsa.keyPath]).equals(MESSAGE)).toBe(true);
  });
  it('writes version 0, GCMParameters with a 12-byte nonce and ICV length 16, a 16-byte mac', async () => {
    const der = await encryptContent(crypto, MESSAGE, { recipients: [rsa.certificate], cipher: 'aes-128-gcm' });
    const dump = openssl(['asn1parse', '-inform', 'DER', '-i'], der).toString();
    expect(dump).toContain('id-smime-ct-authEnvelopedData');
    expect(dump).toMatch(/aes-128-gcm\n.*SEQUENCE\s*\n.*OCTET STRING +\[HEX DUMP\]:[0-9A-F]{24}\n.*INTEGER +:10/);
    expect(dump).toMatch(/l= +16 prim: +OCTET STRING +\[HEX DUMP\]:[0-9A-F]{32}\s*$/);
  });
  it('authenticates authAttrs: they are read back, a change is detected', async () => {
    const der = await withAttributes();
    expect(Buffer.from((await decryptEnvelope(crypto, der, [rsa.operator])).content).equals(MESSAGE)).toBe(true);
    // Turn the attribute's id-data into another OID of the same length: GCM must notice.
    const tampered = Buffer.from(der);
    const at = tampered.lastIndexOf(Buffer.from(oid(OID_DATA)));
    tampered[at + 10]! ^= 0x01;
    await expect(decryptEnvelope(crypto, tampered, [rsa.operator])).rejects.toMatchObject({ code: 'cms/decrypt-failed' });
  });
  it('never carries GCM in EnvelopedData, and refuses to read it there', async () => {
    const der = await encryptContent(crypto, MESSAGE, { recipients: [rsa.certificate], cipher: 'aes-256-cbc' });
    const dump = openssl(['asn1parse', '-inform', 'DER'], der).toString();
    expect(dump).toContain('pkcs7-envelopedData');
    expect(dump).not.toContain('gcm');
    // Swap the CBC OID for the GCM one in place (same length): now a PKI.js-style message.
    const cbc = Buffer.from(oid('2.16.840.1.101.3.4.1.42'));
    const gcm = Buffer.from(oid('2.16.840.1.101.3.4.1.46'));
    const swapped = Buffer.from(der);
    gcm.copy(swapped, swapped.indexOf(cbc));
    await expect(decryptEnvelope(crypto, swapped, [rsa.operator])).rejects.toMatchObject({ code: 'cms/malformed' });
  });
});
