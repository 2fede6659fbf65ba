/**
 * The background reader (B13, B15, B17, B6 step 1) over the real CMS, PKI and address book,
 * with software keys standing in for the host: content and signature checks come at once,
 * validation after; results go only to the page or frame that opened the message; a
 * verified signer is harvested into the address book.
 */
import { createKeyUses } from '../../background/key-uses';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAddressBook, type AddressBook } from '../../background/address-book/address-book';
import { openCertificateDb } from '../../background/address-book/certificate-db';
import type { Identities } from '../../background/identities';
import { createCertificateValidation } from '../../background/pki/certificate-validation';
import { createPolicyStore } from '../../background/policy-store';
import { createReader } from '../../background/reader/create-reader';
import type { Reader } from '../../background/reader/reader';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import { protectMessage } from '../../src/cms/smime-protect';
import type { KeyOperator } from '../../src/cms/key-operator';
import { isCachetError } from '../../src/errors';
import { MemoryCrlCache } from '../../src/pki/crl-cache';
import { RetrievalError } from '../../src/pki/fetcher';
import { memoryStorage } from './memory-storage';

const smime = '../shared/corpora/thunderbird-smime/mailnews/test/data/smime/';
const file = (name: string) => new Uint8Array(readFileSync(`${smime}${name}`));
const testCa = readFileSync(`${smime}TestCA.pem`, 'utf8').replace(/-----[^-]+-----|\s+/g, '');
const bob = loadSoftwareKeyOperators({ p12: file('Bob.p12'), password: 'nss' });
/** The smime.p7m attachment of a corpus message on its own, as DER: what a webmail offers to save. */
const bareP7m = (name: string) => {
  const eml = readFileSync(`${smime}${name}`, 'latin1');
  return new Uint8Array(Buffer.from(eml.slice(eml.search(/\r?\n\r?\n/)), 'base64'));
};

function identitiesOf(operators: readonly KeyOperator[], asked: { count: number }): Identities {
  return {
    list: () => Promise.resolve([]),
    operators: () => {
      asked.count++;
      return Promise.resolve(operators as never);
    },
    operator: () => Promise.reject(new Error('not used')),
    invalidate: () => undefined,
  };
}

let reader: Reader;
let book: AddressBook;
let asked: { count: number };
let fetched: string[];

beforeEach(async () => {
  asked = { count: 0 };
  fetched = [];
  book = createAddressBook(await openCertificateDb(new IDBFactory()), crypto.subtle);
  const policy = createPolicyStore(memoryStorage({ trustedRoots: [testCa] }), memoryStorage());
  const validation = createCertificateValidation({
    policy,
    crypto,
    fetcher: {
      fetch: (url) => {
        fetched.push(url);
        return Promise.reject(new RetrievalError('offline'));
      },
    },
    cache: new MemoryCrlCache(),
  });
  reader = createReader({ identities: identitiesOf(bob, asked), validation, addressBook: book, crypto, keyUses: createKeyUses() });
});

describe('background reader', () => {
  it('decrypts with the host\'s key, shows content and the signer at once, validates after', async () => {
    const view = await reader.open(file('alice.dsig.SHA256.multipart.env.eml'), 'extension');
    expect(asked.count).toBe(1);
    expect(view.encrypted).toBe(true);
    expect(view.from).toBe('Alice@example.com');
    expect(view.text).toContain('This is a test message from Alice to Bob');
    expect(view.signers).toHaveLength(1);
    expect(view.signers[0]).toMatchObject({ status: 'good', name: 'Alice', fromMatches: true, addresses: ['Alice@example.com'] });
    const [validation] = await reader.validation(view.sessionId, 'extension');
    expect(validation).toMatchObject({ valid: true });
    // A verified sender's certificate is now in the address book (B6 step 1).
    expect((await book.list()).map((e) => e.addresses)).toEqual([['Alice@example.com']]);
  });

  it('registers the decryption, with the message\'s sender and subject, while the key is asked for', async () => {
    const keyUses = createKeyUses();
    const seen: unknown[] = [];
    const watching: Identities = { ...identitiesOf(bob, asked), operators: () => {
      seen.push(keyUses.current());
      return Promise.resolve(bob as never);
    } };
    const watched = createReader({ identities: watching, validation: { validate: () => Promise.reject(new Error('not used')) }, addressBook: book, crypto, keyUses });
    await watched.open(file('alice.dsig.SHA256.multipart.env.eml'), 'extension');
    expect(seen).toEqual([[{ operation: 'decrypt', from: 'Alice@example.com', subject: expect.any(String) as unknown }]]);
    // Nothing stays registered once the message is read.
    expect(keyUses.current()).toEqual([]);
  });

  it('does not wake the key store for a message that is only signed', async () => {
    const view = await reader.open(file('alice.dsig.SHA256.multipart.eml'), 'extension');
    expect(asked.count).toBe(0);
    expect(view.encrypted).toBe(false);
    expect(view.signers.map((s) => s.status)).toEqual(['good']);
  });

  it('reports a tampered message as bad and harvests nothing from it', async () => {
    const view = await reader.open(file('alice.dsig.SHA256.multipart.bad.eml'), 'extension');
    expect(view.signers.map((s) => s.status)).toEqual(['digest-mismatch']);
    await reader.validation(view.sessionId, 'extension');
    expect(await book.list()).toEqual([]);
  });

  it('gives a signed layer that cannot be checked at all a bad banner, never showing it as unsigned', async () => {
    const view = await reader.open(file('alice.dsig.SHA256.multipart.mismatch-econtent.eml'), 'extension');
    expect(view.signers).toEqual([expect.objectContaining({ layer: 0, status: 'content-conflict', fromMatches: false })]);
    expect(view.signers[0]?.reason).toMatch(/different detached content/);
    const [validation] = await reader.validation(view.sessionId, 'extension');
    expect(validation).toMatchObject({ valid: false, reason: 'malformed' });
    expect(await book.list()).toEqual([]);
  });

  it('an untrusted root makes the certificate invalid, with the reason', async () => {
    const policy = createPolicyStore(memoryStorage(), memoryStorage());
    const validation = createCertificateValidation({ policy, crypto, fetcher: { fetch: () => Promise.reject(new RetrievalError('offline')) }, cache: new MemoryCrlCache() });
    const untrusting = createReader({ identities: identitiesOf(bob, asked), validation, addressBook: book, crypto, keyUses: createKeyUses() });
    const view = await untrusting.open(file('alice.sig.SHA256.opaque.eml'), 'extension');
    const [result] = await untrusting.validation(view.sessionId, 'extension');
    expect(result).toMatchObject({ valid: false, reason: 'untrusted-root' });
  });

  it('lists attachments and hands one over on request, decoded', async () => {
    const raw = [
      'From: Alice@example.com', 'To: Bob@example.com', 'Subject: files', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'see attached', '--b',
      'Content-Type: application/pdf; name="=?UTF-8?B?QmVyaWNodC3DnC5wZGY=?="', 'Content-Disposition: attachment', 'Content-Transfer-Encoding: base64', '',
      Buffer.from('%PDF-1.4 fake').toString('base64'), '--b--', '',
    ].join('\r\n');
    const view = await reader.open(new TextEncoder().encode(raw), 'extension');
    expect(view.text).toContain('see attached');
    expect(view.attachments).toEqual([{ index: 0, fileName: 'Bericht-Ü.pdf', mediaType: 'application/pdf', size: expect.any(Number) as number }]);
    expect(new TextDecoder().decode(await reader.attachment(view.sessionId, 0, 'extension'))).toBe('%PDF-1.4 fake');
  });

  it('gives results only to the page or frame that opened the message', async () => {
    const view = await reader.open(file('alice.dsig.SHA256.multipart.eml'), 'frame:6:3');
    const refused = await reader.validation(view.sessionId, 'frame:7:3').catch((e: unknown) => e);
    expect(isCachetError(refused) && refused.code).toBe('input/invalid');
    const other = await reader.attachment(view.sessionId, 0, 'extension').catch((e: unknown) => e);
    expect(isCachetError(other) && other.code).toBe('input/invalid');
  });

  it('says clearly that an encrypted message cannot be read without a key (B5)', async () => {
    const keyless = createReader({ identities: identitiesOf([], asked), validation: { validate: () => Promise.reject(new Error('not used')) }, addressBook: book, crypto, keyUses: createKeyUses() });
    const error = await keyless.open(file('alice.env.eml'), 'extension').catch((e: unknown) => e);
    expect(isCachetError(error) && error.code).toBe('key/unavailable');
  });

  it('shows bytes that are no S/MIME as an unsigned, unencrypted text, never as signed', async () => {
    const view = await reader.open(new Uint8Array([0xff, 0x00, 0x01, 0x30, 0x80]), 'extension');
    expect(view.encrypted).toBe(false);
    expect(view.bareFile).toBe(false);
    expect(view.signers).toEqual([]);
  });

  it('refuses broken DER that starts as a bare smime.p7m would with a typed error', async () => {
    const error = await reader.open(new Uint8Array([0x30, 0x80, 0xff, 0x00, 0x01]), 'extension').catch((e: unknown) => e);
    expect(isCachetError(error) && error.code).toBe('cms/malformed');
  });

  it('opens a bare smime.p7m: decrypted, its signer shown without a sender to compare with', async () => {
    const view = await reader.open(bareP7m('alice.sig.SHA256.opaque.env.eml'), 'extension');
    expect([view.bareFile, view.encrypted, view.from, view.date]).toEqual([true, true, '', '']);
    expect(view.text).toContain('This is a test message from Alice to Bob');
    expect(view.signers).toHaveLength(1);
    expect(view.signers[0]).toMatchObject({ status: 'good', addresses: ['Alice@example.com'], fromMatches: null });
    expect(await reader.validation(view.sessionId, 'extension')).toMatchObject([{ valid: true }]);
  });

  it('refuses a broken encrypted part with a typed error', async () => {
    const broken = new TextEncoder().encode('Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n');
    const error = await reader.open(broken, 'extension').catch((e: unknown) => e);
    expect(isCachetError(error)).toBe(true);
  });

  describe('a message read for a frame that is still loading', () => {
    /** Signed by Alice, encrypted to Bob, signed again: as secure compose sends it (B16). */
    async function tripleWrapped(text = 'The plans are ready.'): Promise<Uint8Array> {
      const [alice] = loadSoftwareKeyOperators({ p12: file('Alice.p12'), password: 'nss' });
      const [recipient] = bob;
      if (!alice || !recipient) throw new Error('the corpus keys are missing');
      const plain = new TextEncoder().encode('From: Alice@example.com\r\nTo: Bob@example.com\r\nSubject: Plans\r\n' +
        `Date: ${new Date().toUTCString().replace('GMT', '+0000')}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);
      return protectMessage(crypto, plain, {
        tripleWrap: true,
        sign: { signer: alice, hash: 'SHA-256', opaque: false },
        encrypt: { recipients: [recipient.certificate], sender: alice.certificate, cipher: 'aes-256-cbc' },
      });
    }

    /** The reader over a crypto whose signature checks are counted. */
    function counting(keyUses = createKeyUses()) {
      const checks = { verify: 0 };
      const subtle = new Proxy(crypto.subtle, {
        get(target, name) {
          const value: unknown = Reflect.get(target, name, target);
          if (name === 'verify') checks.verify++;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const watched = { subtle, getRandomValues: crypto.getRandomValues.bind(crypto) } as unknown as Crypto;
      const early = createReader({ identities: identitiesOf(bob, asked), validation: { validate: () => Promise.reject(new Error('not used')) }, addressBook: book, crypto: watched, keyUses });
      return { early, checks, keyUses };
    }

    it('checks the signature outside the encryption at once, but asks for no key until the frame asks', async () => {
      const { early, checks, keyUses } = counting();
      const pending = early.prepare(await tripleWrapped());
      await vi.waitFor(() => expect(checks.verify).toBe(1));
      // Time for the read to go as far as it may: it stops before the key.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(asked.count).toBe(0);
      expect(keyUses.current()).toEqual([]);

      const view = await pending.open('frame-1');
      expect(asked.count).toBe(1);
      expect(checks.verify).toBe(2);
      expect(view.encrypted).toBe(true);
      expect(view.text).toContain('The plans are ready.');
      expect(view.signers).toEqual([expect.objectContaining({ status: 'good', name: 'Alice' })]);
      expect(keyUses.current()).toEqual([]);
    });

    it('never asks for the key of a message whose frame never asked', async () => {
      const { early, checks } = counting();
      const pending = early.prepare(await tripleWrapped());
      await vi.waitFor(() => expect(checks.verify).toBe(1));
      pending.drop();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(asked.count).toBe(0);
      expect(checks.verify).toBe(1);
    });

    it('leaves a message over 1 MiB to be read when its frame asks', async () => {
      const { early, checks } = counting();
      const pending = early.prepare(await tripleWrapped('The plans are ready.\r\n'.repeat(60_000)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(checks.verify).toBe(0);
      const view = await pending.open('frame-1');
      expect(checks.verify).toBe(2);
      expect(view.signers.map((signer) => signer.status)).toEqual(['good']);
    });

    it('gives a broken message\'s error to the frame when it asks', async () => {
      const pending = reader.prepare(new TextEncoder().encode('Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const error = await pending.open('frame-1').catch((e: unknown) => e);
      expect(isCachetError(error)).toBe(true);
    });
  });
});
