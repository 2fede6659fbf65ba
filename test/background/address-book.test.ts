import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAddressBook, type AddressBook } from '../../background/address-book/address-book';
import { openCertificateDb, type CertificateDb } from '../../background/address-book/certificate-db';
import { certificatesFromFile } from '../../background/address-book/certificate-files';
import { normaliseAddress } from '../../background/address-book/certificate-summary';
import { isCachetError } from '../../src/errors';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});
afterAll(() => certs.cleanup());

let db: CertificateDb;
let book: AddressBook;
let clock: Date;
beforeEach(async () => {
  db = await openCertificateDb(new IDBFactory());
  clock = new Date();
  book = createAddressBook(db, crypto.subtle, () => clock);
});

async function malformedCode(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (isCachetError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('certificate files', () => {
  it('reads PEM, DER and certs-only PKCS #7 (DER and PEM)', () => {
    expect(certificatesFromFile(certs.alice.pem)).toEqual([certs.alice.der]);
    expect(certificatesFromFile(certs.alice.der)).toEqual([certs.alice.der]);
    expect(certificatesFromFile(certs.bundleP7c)).toEqual([certs.alice.der, certs.bob.der]);
    expect(certificatesFromFile(certs.bundlePem)).toEqual([certs.alice.der, certs.bob.der]);
  });

  it('reads a PEM file with several certificates and other blocks', () => {
    const joined = new TextEncoder().encode(
      new TextDecoder().decode(certs.keyOnlyPem) + new TextDecoder().decode(certs.alice.pem) + new TextDecoder().decode(certs.bob.pem));
    expect(certificatesFromFile(joined)).toEqual([certs.alice.der, certs.bob.der]);
  });

  it.each([
    ['empty', new Uint8Array()],
    ['garbage', new Uint8Array([1, 2, 3, 4, 5])],
    ['a truncated certificate', new Uint8Array(0)],
    ['a private key only', new Uint8Array()],
    ['a PEM certificate block with bad base64', new TextEncoder().encode('-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n')],
    ['a SEQUENCE that is neither', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])],
  ])('refuses %s with a typed error', async (name, bytes) => {
    const input = name === 'a truncated certificate' ? certs.alice.der.subarray(0, 100)
      : name === 'a private key only' ? certs.keyOnlyPem : bytes;
    expect(await malformedCode(() => certificatesFromFile(input))).toBe('pki/malformed');
  });
});

describe('addresses (B1)', () => {
  it('compares the domain case-insensitively and keeps the local part', () => {
    expect(normaliseAddress(' Alice@Example.ORG ')).toBe('Alice@example.org');
    for (const bad of ['alice', '@example.org', 'alice@', 'a b@example.org', '<a@example.org>']) {
      expect(normaliseAddress(bad), bad).toBeUndefined();
    }
  });
});

describe('address book', () => {
  it('imports, lists with source and addresses, and counts duplicates', async () => {
    const first = await book.importFile(certs.alice.pem);
    expect(first.added).toHaveLength(1);
    expect(first.added[0]?.addresses).toEqual(['alice@example.org']);
    expect(first.added[0]?.subject).toBe('CN=Alice Example');
    const second = await book.importFile(certs.bundleP7c);
    expect(second.added.map((s) => s.subject)).toEqual(['CN=Bob Example, E=bob@example.org']);
    expect(second.alreadyPresent).toBe(1);
    const list = await book.list();
    expect(list.map((e) => [e.addresses, e.source, e.capabilities])).toEqual([
      [['alice@example.org'], 'import', null],
      [['bob@example.org'], 'import', null],
    ]);
    expect(list[0]?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds certificates by address, domain in any case', async () => {
    await book.importFile(certs.bundleP7c);
    expect((await book.lookup('alice@EXAMPLE.org')).map((c) => c.subject)).toEqual(['CN=Alice Example']);
    expect(await book.lookup('ALICE@example.org')).toEqual([]);
    expect(await book.lookup('not an address')).toEqual([]);
  });

  it('reports address status without certificate data', async () => {
    await book.importFile(certs.bob.der);
    expect(await book.status(['bob@example.org', 'carol@example.org', 'junk'])).toEqual([
      { address: 'bob@example.org', state: 'certificate' },
      { address: 'carol@example.org', state: 'none' },
      { address: 'junk', state: 'none' },
    ]);
    clock = new Date(Date.now() + 365 * 24 * 3600 * 1000);
    expect(await book.status(['bob@example.org'])).toEqual([{ address: 'bob@example.org', state: 'expired' }]);
  });

  it('deletes, and refuses to delete what is not there', async () => {
    const { added } = await book.importFile(certs.alice.der);
    const fingerprint = added[0]?.fingerprint ?? '';
    await book.remove(fingerprint);
    expect(await book.list()).toEqual([]);
    expect(await malformedCode(() => book.remove(fingerprint))).toBe('input/invalid');
  });

  it('harvests a signer with capabilities, keeping the newest capabilities', async () => {
    const gcm = ['2.16.840.1.101.3.4.1.46'];
    const cbc = ['2.16.840.1.101.3.4.1.42'];
    await book.harvest({ certificate: certs.alice.der, capabilities: cbc, signedAt: new Date('2026-01-02') });
    let [entry] = await book.list();
    expect(entry?.source).toBe('harvest');
    expect(entry?.capabilities).toEqual(cbc);
    await book.harvest({ certificate: certs.alice.der, capabilities: gcm, signedAt: new Date('2026-01-01') });
    [entry] = await book.list();
    expect(entry?.capabilities).toEqual(cbc);
    await book.harvest({ certificate: certs.alice.der, capabilities: gcm, signedAt: new Date('2026-01-03') });
    [entry] = await book.list();
    expect(entry?.capabilities).toEqual(gcm);
    await book.harvest({ certificate: certs.alice.der, capabilities: null, signedAt: new Date('2026-01-04') });
    [entry] = await book.list();
    expect(entry?.capabilities).toEqual(gcm);
  });

  it('keeps an imported certificate marked imported when it is later harvested', async () => {
    await book.importFile(certs.bob.pem);
    await book.harvest({ certificate: certs.bob.der, capabilities: ['2.16.840.1.101.3.4.1.42'], signedAt: new Date() });
    const [entry] = await book.list();
    expect(entry?.source).toBe('import');
    expect(entry?.capabilities).toEqual(['2.16.840.1.101.3.4.1.42']);
  });

  it('refuses to harvest something that is not a certificate', async () => {
    expect(await malformedCode(() => book.harvest({ certificate: new Uint8Array([0x30, 0]), capabilities: null, signedAt: new Date() }))).toBe('pki/malformed');
    expect(await book.list()).toEqual([]);
  });
});
