// Service worker entry: the composition root. It builds the services from the platform,
// hands them to the router, and registers the listener synchronously, as MV3 requires
// for the worker to be woken by the message.
import browser from 'webextension-polyfill';
import { lazyCertificateDb, openCertificateDb } from './address-book/certificate-db';
import { createAddressBook } from './address-book/address-book';
import { createHandlers } from './handlers';
import { createNativeClient, type NativeEvent } from './native/native-client';
import { nativeHostStatus } from './native/native-status';
import { createComposer } from './compose/create-composer';
import { createDefaultIdentity } from './default-identity';
import { createIdentities } from './identities';
import { createKeyUses } from './key-uses';
import { createPinPrompts } from './pin-prompts';
import { createBrowserFetcher } from './pki/browser-fetcher';
import { createCertificateValidation } from './pki/certificate-validation';
import { createCrlCacheDb } from './pki/crl-cache-db';
import { createReader } from './reader/create-reader';
import { createComposeFrames } from './compose-frames';
import { createDirectoryCache } from '../src/directory/directory-cache';
import { createDirectoryUrlReader } from './directory/directory-url-reader';
import { createHostDirectory } from './directory/host-directory';
import { sessionAnswerStore } from './directory/session-answer-store';
import { createPageSourceFetch } from './page-source';
import { createPrefetchedSources } from './prefetched-sources';
import { createPasswordPrompts } from './password-prompts';
import {
  connectNativeHost, extensionVersion, keepStorageFromContentScripts, nativeDisconnectReason, notifyTab, openPasswordWindow, openPinWindow,
  pageUrl, randomToken, selfIdentity, startTimer,
} from './platform';
import { createPolicyStore } from './policy-store';
import { createReaderFrames } from './reader-frames';
import { createRouter } from './router';
import { createSecurityIndicatorStore } from './security-indicator-store';
import { createSiteAccess } from './site-access';
import { createTransports } from './transports/create-transports';
import { createOAuthAccounts } from './oauth/oauth-accounts';
import { createOAuthTokens } from './oauth/oauth-tokens';
import { authRedirectUrl, launchWebAuthFlow } from './oauth/web-auth-flow';
import { createTrustLists } from './trust-lists';

const log = (error: unknown) => console.error('Cachet background:', error);

// First, before anything reads settings: content scripts may not touch the extension's storage.
keepStorageFromContentScripts().catch(log);

const policy = createPolicyStore(browser.storage.managed, browser.storage.local);

const native = createNativeClient({
  connect: connectNativeHost,
  disconnectReason: nativeDisconnectReason,
  extensionVersion: extensionVersion(),
  onEvent: (event) => onNativeEvent(event),
  onProtocolError: log,
  startTimer,
});

const keyUses = createKeyUses();
const pins = createPinPrompts(
  {
    provide: (promptId, pin) => native.request('pin/provide', { promptId, pin }),
    cancel: async (promptId) => {
      await native.request('pin/cancel', { promptId });
    },
  },
  openPinWindow,
  () => keyUses.current(),
);

const identities = createIdentities((type, req) => native.request(type, req), crypto.subtle);
const addressBook = createAddressBook(lazyCertificateDb(() => openCertificateDb(indexedDB)), crypto.subtle);
const passwords = createPasswordPrompts(openPasswordWindow, randomToken);
const directory = createHostDirectory({
  request: (type, req) => native.request(type, req),
  passwords,
  cache: createDirectoryCache({ store: sessionAnswerStore(browser.storage.session) }),
});
const maxRetrievalBytes = 32 << 20;
const validation = createCertificateValidation({
  policy,
  crypto,
  fetcher: createBrowserFetcher(maxRetrievalBytes, fetch, createDirectoryUrlReader(
    (type, req) => native.request(type, req), async () => (await policy.current()).directory, maxRetrievalBytes)),
  cache: createCrlCacheDb(indexedDB),
});

function onNativeEvent(event: NativeEvent): void {
  if (event.event === 'pin/needed') pins.announce(event.data).catch(log);
  else if (event.event === 'pin/closed') pins.closed(event.data.promptId);
  else if (event.event === 'identities/changed') identities.invalidate();
  // 'pin/pad' asks the user to type on the reader's pad; the host's own prompt says so.
}

const siteAccess = createSiteAccess(policy);
// One token store for the transports and the options page, so a sign-in from either never races the other.
const oauthTokens = createOAuthTokens({
  clients: async () => (await policy.current()).oauthClients,
  storage: browser.storage.local,
  launch: launchWebAuthFlow,
  get redirectUrl() {
    return authRedirectUrl();
  },
  fetch: (input, init) => fetch(input, init),
  subtle: crypto.subtle,
  random: (count) => crypto.getRandomValues(new Uint8Array(count)),
});

const sources = createPrefetchedSources(createPageSourceFetch());

const router = createRouter(
  selfIdentity(),
  createHandlers({
    policy,
    addressBook,
    trust: createTrustLists(policy, crypto.subtle),
    pins,
    readerFrames: createReaderFrames(pageUrl('reader.html'), randomToken),
    nativeStatus: () => nativeHostStatus(native),
    identities,
    defaultIdentity: createDefaultIdentity(identities, policy, browser.storage.local),
    reader: createReader({ identities, validation, addressBook, crypto, keyUses }),
    composer: createComposer({ policy, addressBook, identities, validation, directory, crypto, keyUses }),
    indicator: createSecurityIndicatorStore(browser.storage.local, (count) => crypto.getRandomValues(new Uint8Array(count))),
    composeFrames: createComposeFrames(pageUrl('compose.html'), browser.storage.session, randomToken),
    pageSource: sources.fetch,
    prefetchSource: (origin, url) => sources.prefetch(origin, url),
    transport: createTransports({
      request: (type, req, octets) => native.request(type, req, octets), policy, passwords, session: browser.storage.session, tokens: oauthTokens,
    }),
    oauthAccounts: createOAuthAccounts(policy, oauthTokens),
    passwords,
    siteAccess,
    notifyTab,
  }),
  log,
);

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => router(message, sender));

siteAccess.start();
