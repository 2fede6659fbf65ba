/**
 * Encrypted messages as S/MIME (RFC 8551 §3.4): the outer header fields stay outside,
 * the Content-* fields travel inside, the media type names the CMS type, and
 * `openssl cms -decrypt` reads the MIME form directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptMessage, encryptMessage } from '../../src/cms/smime-envelope';
import { parseMessage } from '../../src/mime/parse';
import { headerValue } from '../../src/mime/part-access';
import { crypto, identityFromPem, openssl, SMIME_CERTS, text, utf8 } from './envelope-helpers';

const rsa = identityFromPem('rsa', `${SMIME_CERTS}/smrsa1.pem`);
const ec = identityFromPem('ec', `${SMIME_CERTS}/smec1.pem`);

const INPUT = utf8(
  'From: Alice <alice@example.com>\nTo: bob@example.com\nSubject: plans\nMessage-ID: <1@example.com>\n' +
    'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nsecret plans\n--b--\n',
);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cachet-smime-env-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('encryptMessage', () => {
  for (const [cipher, smimeType] of [['aes-256-cbc', 'enveloped-data'], ['aes-256-gcm', 'authEnveloped-data']] as const) {
    it(`${cipher}: outer headers kept, smime-type=${smimeType}, openssl reads the MIME form`, async () => {
      const out = await encryptMessage(crypto, INPUT, { recipients: [rsa.certificate], sender: ec.certificate, cipher });
      const root = parseMessage(out);
      expect(root.contentType.mediaType).toBe('application/pkcs7-mime');
      expect(root.contentType.params['smime-type']).toBe(smimeType);
      expect(root.contentType.params['name']).toBe('smime.p7m');
      expect(headerValue(root, 'subject')).toBe('plans');
      expect(headerValue(root, 'message-id')).toBe('<1@example.com>');
      expect(root.headers.filter((h) => h.name.toLowerCase() === 'mime-version')).toHaveLength(1);
      expect(text(out)).not.toContain('secret plans');
      expect(text(out)).not.toMatch(/[^\r]\n/);
      const path = join(dir, 'msg.eml');
      writeFileSync(path, out);
      for (const who of [rsa, ec]) {
        const inner = openssl(['cms', '-decrypt', '-in', path, '-inkey', who.keyPath, '-recip', who.certPath]).toString();
        expect(inner).toContain('Content-Type: multipart/mixed; boundary="b"');
        expect(inner).toContain('secret plans');
        expect(inner).not.toContain('Subject:');
      }
    });
  }
});

describe('decryptMessage', () => {
  it('gives back the outer fields and the decrypted entity', async () => {
    const encrypted = await encryptMessage(crypto, INPUT, { recipients: [ec.certificate], cipher: 'aes-128-gcm' });
    const { message, decrypted } = await decryptMessage(crypto, encrypted, [rsa.operator, ec.operator]);
    expect(decrypted.operator).toBe(ec.operator);
    expect(decrypted.authenticated).toBe(true);
    const root = parseMessage(message);
    expect(headerValue(root, 'from')).toBe('Alice <alice@example.com>');
    expect(root.contentType.mediaType).toBe('multipart/mixed');
    expect(text(message)).toContain('secret plans');
  });
  it('reads a message openssl cms -encrypt wrote', async () => {
    const path = join(dir, 'plain.eml');
    writeFileSync(path, 'Content-Type: text/plain\r\n\r\nfrom openssl\r\n');
    const smime = openssl(['cms', '-encrypt', '-in', path, '-aes-256-gcm', '-recip', rsa.certPath]);
    const { message } = await decryptMessage(crypto, smime, [rsa.operator]);
    expect(text(message)).toContain('from openssl');
  });
  it('refuses a message that is not encrypted', async () => {
    await expect(decryptMessage(crypto, INPUT, [rsa.operator])).rejects.toMatchObject({ code: 'cms/unsupported' });
  });
});
