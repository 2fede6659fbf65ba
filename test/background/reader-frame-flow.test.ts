/**
 * DESIGN.md invariants 1 and 3 end to end in the background: a content script hands over
 * the raw message (ciphertext) and gets only an opaque frame URL; the reader framed in the
 * same tab redeems the token and gets the plaintext; another tab's frame, a second
 * redemption and the content script itself get nothing.
 */
import { createKeyUses } from '../../background/key-uses';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAddressBook } from '../../background/address-book/address-book';
import { openCertificateDb } from '../../background/address-book/certificate-db';
import { createHandlers } from '../../background/handlers';
import type { Identities } from '../../background/identities';
import { createCertificateValidation } from '../../background/pki/certificate-validation';
import { createPolicyStore } from '../../background/policy-store';
import { createReaderFrames } from '../../background/reader-frames';
import { createReader } from '../../background/reader/create-reader';
import { createRouter, type Route } from '../../background/router';
import type { MessageSenderLike } from '../../background/sender';
import type { BackgroundServices } from '../../background/services';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import { MemoryCrlCache } from '../../src/pki/crl-cache';
import { RetrievalError } from '../../src/pki/fetcher';
import type { ReaderView } from '../../src/protocol/runtime';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { memoryStorage } from './memory-storage';

const smime = '../shared/corpora/thunderbird-smime/mailnews/test/data/smime/';
const self = { id: 'beglfbkfegljnkmhdkjjekghmmefnefn', origin: 'chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn' };
const content = (tab: number): MessageSenderLike => ({ id: self.id, url: 'https://mail.example.org/', frameId: 0, tab: { id: tab } });
const readerFrame = (tab: number): MessageSenderLike => ({ id: self.id, url: `${self.origin}/reader.html`, frameId: 4, tab: { id: tab } });

let route: Route;

beforeEach(async () => {
  const bob = loadSoftwareKeyOperators({ p12: new Uint8Array(readFileSync(`${smime}Bob.p12`)), password: 'nss' });
  const identities: Identities = {
    list: () => Promise.resolve([]),
    operators: () => Promise.resolve(bob as never),
    operator: () => Promise.reject(new Error('not used')),
    invalidate: () => undefined,
  };
  const policy = createPolicyStore(memoryStorage(), memoryStorage());
  const validation = createCertificateValidation({ policy, crypto, fetcher: { fetch: () => Promise.reject(new RetrievalError('offline')) }, cache: new MemoryCrlCache() });
  const addressBook = createAddressBook(await openCertificateDb(new IDBFactory()), crypto.subtle);
  let n = 0;
  const services = {
    readerFrames: createReaderFrames(`${self.origin}/reader.html`, () => `token${n++}`),
    reader: createReader({ identities, validation, addressBook, crypto, keyUses: createKeyUses() }),
  } as unknown as BackgroundServices;
  route = createRouter(self, createHandlers(services));
});

const send = (type: string, req: unknown, sender: MessageSenderLike) => route({ cachet: 1, type, req }, sender);

describe('reader frames from a webmail tab', () => {
  it('the page gets a URL with an opaque token; the frame in that tab gets the plaintext, once', async () => {
    const source = bytesToBase64(new Uint8Array(readFileSync(`${smime}alice.dsig.SHA256.multipart.env.eml`)));
    const opened = await send('frame/open-reader', { messageId: '<m1@example.org>', source }, content(6));
    expect(opened).toEqual({ ok: true, res: { url: `${self.origin}/reader.html#token0` } });

    // The content script itself may not redeem it, nor open a message.
    expect((await send('reader/open-frame', { token: 'token0' }, content(6))).ok).toBe(false);
    expect((await send('reader/open', { data: source }, content(6))).ok).toBe(false);
    // A reader framed in another tab may not either, and that burns the token.
    const stolen = await send('reader/open-frame', { token: 'token0' }, readerFrame(7));
    expect(stolen.ok).toBe(false);
    expect((await send('reader/open-frame', { token: 'token0' }, readerFrame(6))).ok).toBe(false);

    const again = await send('frame/open-reader', { messageId: '<m1@example.org>', source }, content(6));
    const token = again.ok ? (again.res as { url: string }).url.split('#')[1] : '';
    const shown = await send('reader/open-frame', { token }, readerFrame(6));
    expect(shown.ok).toBe(true);
    const view = (shown as { res: ReaderView }).res;
    expect(view.encrypted).toBe(true);
    expect(view.text).toContain('This is a test message from Alice to Bob');
    // Its validation is for that frame only.
    expect((await send('reader/validation', { sessionId: view.sessionId }, readerFrame(6))).ok).toBe(true);
    expect((await send('reader/validation', { sessionId: view.sessionId }, readerFrame(7))).ok).toBe(false);
    expect((await send('reader/open-frame', { token }, readerFrame(6))).ok).toBe(false);
  });
});
