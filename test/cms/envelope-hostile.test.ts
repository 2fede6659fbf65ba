/**
 * Hostile input to the decryption path: truncated, bit-flipped and fuzzed envelopes end
 * in typed CachetErrors (never a TypeError, crash or hang), and tampered authenticated
 * content never decrypts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { decryptEnvelope } from '../../src/cms/decrypt';
import { encryptContent } from '../../src/cms/encrypt';
import { isCachetError } from '../../src/errors';
import type { KeyOperator } from '../../src/cms/key-operator';
import { cmsFromMessage, CORPORA, crypto, identityFromPem, SMIME_CERTS, utf8 } from './envelope-helpers';

const rsa = identityFromPem('rsa', `${SMIME_CERTS}/smrsa1.pem`);
const ec = identityFromPem('ec', `${SMIME_CERTS}/smec1.pem`);
const operators: KeyOperator[] = [rsa.operator, ec.operator];
const MESSAGE = utf8('Content-Type: text/plain\r\n\r\nsecret text for the hostile tests\r\n');
const TYPED = new Set(['asn1/malformed', 'cms/malformed', 'cms/unsupported', 'cms/no-recipient', 'cms/decrypt-failed', 'pki/malformed']);

/** Decrypts, returning the content or the error code; anything but a CachetError fails the test. */
async function attempt(der: Uint8Array): Promise<{ content?: Uint8Array; code?: string }> {
  try {
    return { content: (await decryptEnvelope(crypto, der, operators)).content };
  } catch (error) {
    if (!isCachetError(error)) throw error;
    expect(TYPED).toContain(error.code);
    return { code: error.code };
  }
}

const samples: [string, () => Promise<Uint8Array>][] = [
  ['RSA v1.5 AES-CBC', () => encryptContent(crypto, MESSAGE, { recipients: [rsa.certificate], cipher: 'aes-256-cbc' })],
  ['RSA-OAEP AES-GCM', () => encryptContent(crypto, MESSAGE, { recipients: [rsa.certificate], cipher: 'aes-128-gcm', keyTransport: { name: 'RSA-OAEP', hash: 'SHA-256' } })],
  ['ECDH AES-GCM', () => encryptContent(crypto, MESSAGE, { recipients: [ec.certificate], cipher: 'aes-256-gcm' })],
  ['ECDH AES-CBC', () => encryptContent(crypto, MESSAGE, { recipients: [ec.certificate], cipher: 'aes-128-cbc' })],
  ['openssl ECDH GCM corpus', () => Promise.resolve(cmsFromMessage(readFileSync(`${CORPORA}/openssl-generated/authenv-aes256gcm-ecdh-p256.p7m`)))],
  ['NSS BER corpus', () => Promise.resolve(cmsFromMessage(readFileSync(`${CORPORA}/thunderbird-smime/mailnews/test/data/smime/alice.env.eml`)))],
];

describe('truncation', () => {
  for (const [name, make] of samples) {
    it(`${name}: every truncation is a typed error`, async () => {
      const der = await make();
      for (let length = 0; length < der.length; length += Math.max(1, Math.floor(der.length / 300))) {
        const result = await attempt(der.subarray(0, length));
        expect(result.content).toBeUndefined();
      }
    });
  }
});

describe('bit flips', () => {
  for (const [name, make] of samples) {
    it(`${name}: no flip crashes; authenticated content never decrypts altered`, async () => {
      const der = await make();
      const authenticated = name.includes('GCM');
      const original = await attempt(der);
      let errors = 0;
      for (let i = 0; i < der.length; i += Math.max(1, Math.floor(der.length / 400))) {
        const flipped = new Uint8Array(der);
        flipped[i]! ^= 1 << (i % 8);
        const result = await attempt(flipped);
        if (result.code) errors++;
        else if (authenticated) {
          // Only flips in fields GCM does not cover (e.g. a recipient id of someone else) may pass, and then the content is intact.
          expect(Buffer.from(result.content!).equals(Buffer.from(original.content!))).toBe(true);
        }
      }
      expect(errors).toBeGreaterThan(0);
    });
  }
  it('a flipped RSA v1.5 key gives cms/decrypt-failed through implicit rejection, not an unwrap error', async () => {
    const der = await encryptContent(crypto, MESSAGE, { recipients: [rsa.certificate], cipher: 'aes-256-gcm' });
    // The encryptedKey OCTET STRING is the last 256 octets before the EncryptedContentInfo.
    const at = Buffer.from(der).indexOf(Buffer.from([0x04, 0x82, 0x01, 0x00])) + 4 + 100;
    const flipped = new Uint8Array(der);
    flipped[at]! ^= 0x10;
    await expect(decryptEnvelope(crypto, flipped, operators)).rejects.toMatchObject({ code: 'cms/decrypt-failed' });
  });
});

describe('fuzzed DER', () => {
  it('random bytes and random structures are typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 400 }), async (bytes) => {
        const result = await attempt(bytes);
        expect(result.content).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
  it('splices of a valid envelope are typed errors or the right content', async () => {
    const der = await encryptContent(crypto, MESSAGE, { recipients: [ec.certificate], cipher: 'aes-256-gcm' });
    await fc.assert(
      fc.asyncProperty(fc.nat(der.length - 1), fc.nat(der.length - 1), fc.uint8Array({ maxLength: 8 }), async (a, b, insert) => {
        const [from, to] = a < b ? [a, b] : [b, a];
        const spliced = new Uint8Array([...der.subarray(0, from), ...insert, ...der.subarray(to)]);
        const result = await attempt(spliced);
        if (result.content) expect(Buffer.from(result.content).equals(Buffer.from(MESSAGE))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('deep nesting and huge declared lengths do not hang', async () => {
    const deep = new Uint8Array(20_000);
    for (let i = 0; i < deep.length; i += 2) {
      deep[i] = 0x30;
      deep[i + 1] = 0x80;
    }
    expect((await attempt(deep)).code).toBeDefined();
    expect((await attempt(Uint8Array.of(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x06, 0x01))).code).toBeDefined();
  });
});
