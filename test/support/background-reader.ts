/**
 * The background reader as the extension builds it (real CMS, PKI, address book), trusting
 * one root given as a certificate file, with software keys standing in for the host and a
 * network that answers nothing: for tests that hold the reader against the command line.
 */
import { createKeyUses } from '../../background/key-uses';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { createAddressBook } from '../../background/address-book/address-book';
import { openCertificateDb } from '../../background/address-book/certificate-db';
import type { Identities } from '../../background/identities';
import { createCertificateValidation } from '../../background/pki/certificate-validation';
import { createPolicyStore } from '../../background/policy-store';
import { createReader } from '../../background/reader/create-reader';
import type { Reader } from '../../background/reader/reader';
import type { KeyOperator } from '../../src/cms/key-operator';
import { MemoryCrlCache } from '../../src/pki/crl-cache';
import { RetrievalError } from '../../src/pki/fetcher';
import { memoryStorage } from '../background/memory-storage';

function identities(operators: readonly KeyOperator[]): Identities {
  return {
    list: () => Promise.resolve([]),
    operators: () => Promise.resolve(operators as never),
    operator: () => Promise.reject(new Error('not used')),
    invalidate: () => undefined,
  };
}

/** The policy holds roots as base64 DER; a PEM file may also hold the root's key. */
function rootAsBase64(file: string): string {
  const text = readFileSync(file, 'latin1');
  const pem = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/.exec(text)?.[1];
  return pem !== undefined ? pem.replace(/\s+/g, '') : Buffer.from(text, 'latin1').toString('base64');
}

export async function readerTrusting(rootFile: string, operators: readonly KeyOperator[] = []): Promise<Reader> {
  const policy = createPolicyStore(memoryStorage({ trustedRoots: [rootAsBase64(rootFile)] }), memoryStorage());
  const validation = createCertificateValidation({
    policy,
    crypto,
    fetcher: { fetch: () => Promise.reject(new RetrievalError('nothing is fetched in this test')) },
    cache: new MemoryCrlCache(),
  });
  const addressBook = createAddressBook(await openCertificateDb(new IDBFactory()), crypto.subtle);
  return createReader({ identities: identities(operators), validation, addressBook, crypto, keyUses: createKeyUses() });
}
