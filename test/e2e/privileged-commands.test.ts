/**
 * Unwanted private-key use (issue 13): the commands that sign, decrypt, take a PIN or
 * change settings are Cachet's own pages' alone. In Debian's Chromium with the built
 * extension and the real native host on a smart card, a web page, another extension and
 * Cachet's own content script each try them, with Cachet's real message envelope, and
 * each is refused: a page and another extension cannot reach Cachet's background at all
 * (no `externally_connectable`, no external listener), and the content script gets
 * `runtime/forbidden` for everything but a frame and address status. After each, Cachet's
 * stored settings, address book and sites are as before, no PIN window opened and the
 * host received nothing; at the end the one path a user starts from the page still
 * decrypts, which shows that both observers see a real request.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CDPSession, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCachetBrowser, type CachetBrowser } from '../../native-host/tooling/demo/cachet-browser';
import { ensureDemoPki, type DemoPki } from '../../native-host/tooling/demo/demo-pki';
import { waitForCachetFrame } from '../../native-host/tooling/demo/roundcube';
import type { Req, RuntimeCommand } from '../../src/protocol/runtime';
import { maxFrameHeight, minFrameHeight } from '../../src/protocol/content-events';
import { NATIVE_HOST_NAME } from '../../src/protocol/native';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { makeTestCertificates, type TestCertificates } from '../background/test-certificates';
import { acquireBrowserLock } from './browser-lock';
import { buildExtension, extensionId as cachetId, extensionOrigin as cachetOrigin, root } from './browser';
import { readHostMessages, writeChromiumWithExtra, writeProbeExtension, writeRecordingHost, type HostMessage } from './privileged-commands-setup';

/** A message Cachet's own pages would send, and what came back to the sender that tried it. */
interface Attempt {
  readonly type: string;
  readonly req: unknown;
}
interface Outcome {
  readonly type: string;
  /** The reply, when the message reached a listener that answered. */
  readonly reply?: unknown;
  /** The browser's error, when the message reached no one. */
  readonly error?: string;
}
type PortOutcome = { readonly answered: unknown } | { readonly disconnected: string } | { readonly open: true } | { readonly thrown: string };
interface Probe {
  readonly outcomes: readonly Outcome[];
  readonly port: PortOutcome;
}

/**
 * Runs in the attacker's own JavaScript (a page, another extension's worker, page or content
 * script, or Cachet's content script): every attempt with `runtime.sendMessage`, then all of
 * them again on a `runtime.connect` port. `target` is Cachet's id, or null from inside
 * Cachet. With callbacks, the form every one of these contexts' `chrome.runtime` takes.
 * Self-contained, as it is sent as source text.
 */
async function probeRuntime(arg: { readonly target: string | null; readonly attempts: readonly Attempt[] }): Promise<Probe> {
  interface Port {
    postMessage(message: unknown): void;
    readonly onDisconnect: { addListener(listener: () => void): void };
    readonly onMessage: { addListener(listener: (message: unknown) => void): void };
  }
  interface Runtime {
    readonly lastError?: { readonly message?: string };
    sendMessage(...args: unknown[]): unknown;
    connect(...args: unknown[]): Port;
  }
  const runtime = (globalThis as unknown as { chrome: { runtime: Runtime } }).chrome.runtime;
  const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const to = arg.target === null ? [] : [arg.target];
  const outcomes: Outcome[] = [];
  for (const { type, req } of arg.attempts) {
    outcomes.push(await new Promise<Outcome>((resolve) => {
      try {
        runtime.sendMessage(...to, { cachet: 1, type, req }, (reply: unknown) => {
          const error = runtime.lastError;
          resolve(error ? { type, error: error.message ?? 'error' } : { type, reply: reply ?? null });
        });
      } catch (error) {
        resolve({ type, error: messageOf(error) });
      }
    }));
  }
  const port = await new Promise<PortOutcome>((resolve) => {
    let opened: Port;
    try {
      opened = runtime.connect(...to, { name: 'cachet' });
    } catch (error) {
      resolve({ thrown: messageOf(error) });
      return;
    }
    const timer = setTimeout(() => resolve({ open: true }), 3000);
    opened.onDisconnect.addListener(() => {
      clearTimeout(timer);
      resolve({ disconnected: runtime.lastError?.message ?? '' });
    });
    opened.onMessage.addListener((message) => {
      clearTimeout(timer);
      resolve({ answered: message });
    });
    for (const { type, req } of arg.attempts) opened.postMessage({ cachet: 1, type, req });
  });
  return { outcomes, port };
}

/** The source text that runs `probeRuntime` where only an expression can be given (CDP). */
const probeExpression = (arg: Parameters<typeof probeRuntime>[0]) => `(${probeRuntime.toString()})(${JSON.stringify(arg)})`;

/** Chromium's answer to a message for an extension that does not listen for it. */
const unreachable = 'Could not establish connection. Receiving end does not exist.';

let pki: DemoPki;
let certs: TestCertificates;
let dir: string;
let server: Server;
/** Cachet is switched on here; the probe extension's content script runs here too. */
let webmail: string;
/** The same server under another name: neither extension has anything to do with it. */
let stranger: string;
let cachet: CachetBrowser;
let release: () => void;
let hostLog: string;
let probeId: string;
let options: Page;
let p7m: Buffer;
let bobIdentity: string;
/** Every page the browser opened, and the ones the test opened itself. */
const openedPages: Page[] = [];
const testPages = new Set<Page>();

/** Where the pages opened since the count `since` are, other than the test's own: the PIN page, for one. */
function pagesOpenedSince(since: number): string[] {
  return openedPages.slice(since).filter((p) => !testPages.has(p)).map((p) => p.url());
}

/** What Cachet keeps: its stored settings and state, its address book and the sites its content script runs on. */
async function cachetState(): Promise<unknown> {
  type Chrome = {
    chrome: {
      storage: Record<'local' | 'session', { get(keys: null): Promise<unknown> }>;
      scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
      runtime: { sendMessage(message: unknown): Promise<unknown> };
    };
  };
  return options.evaluate(async () => {
    const { chrome } = globalThis as unknown as Chrome;
    return {
      local: await chrome.storage.local.get(null),
      session: await chrome.storage.session.get(null),
      scripts: (await chrome.scripting.getRegisteredContentScripts()).map((s) => [s.id, s.matches]),
      addressBook: await chrome.runtime.sendMessage({ cachet: 1, type: 'address-book/list', req: {} }),
    };
  });
}

/** Runs `attack` and checks that it changed nothing Cachet keeps, opened no page and sent the host nothing. */
async function leavesNoTrace(attack: () => Promise<void>): Promise<void> {
  const before = await cachetState();
  const hostBefore = readHostMessages(hostLog).length;
  const pagesBefore = openedPages.length;
  await attack();
  // A refused request that slipped through would take a moment to reach the host or open the PIN page.
  await options.waitForTimeout(1000);
  expect(await cachetState()).toEqual(before);
  expect(pagesOpenedSince(pagesBefore)).toEqual([]);
  expect(readHostMessages(hostLog).slice(hostBefore)).toEqual([]);
}

const fingerprint = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

/**
 * Every command of the runtime map, each with a request that would do its worst if it were
 * taken: sign as Bob, decrypt his mail, type a PIN, trust a root, switch Cachet off, read
 * the security phrase. Typed over the whole map, so a new command must be added here.
 */
function privilegedAttempts(): Attempt[] {
  const composed = {
    identity: bobIdentity, from: pki.users.bob.address, to: [pki.users.alice.address], cc: [], bcc: [],
    subject: 'Transfer approved', text: 'Signed by a page', attachments: [], sign: true, encrypt: false, encryptDespiteMissing: false,
  };
  const all: { readonly [K in RuntimeCommand]: Req<K> } = {
    'policy/get': {},
    'policy/set-user': { key: 'trustedRoots', value: [bytesToBase64(certs.alice.der)] },
    'policy/reset-user': { key: 'trustedRoots' },
    'native/status': {},
    'address-book/list': {},
    'address-book/import': { fileName: 'mallory.cer', data: bytesToBase64(certs.alice.der) },
    'address-book/delete': { fingerprint: fingerprint(pki.users.alice.certificate.der) },
    'address/status': { addresses: [pki.users.alice.address] },
    'frame/open-reader': { messageId: 'attack', source: p7m.toString('base64') },
    'frame/prefetch-source': { sourceUrl: `${webmail}/mail/source` },
    'frame/open-compose': { fields: { from: pki.users.bob.address, to: [pki.users.alice.address], cc: [], bcc: [], subject: 'Hi' }, mode: 'new' },
    'compose/open-frame': { token: 'guessed-token' },
    'compose/send': { slot: 'guessed-slot', message: composed },
    'compose/close': { slot: 'guessed-slot' },
    'password/info': { promptId: 'guessed-prompt' },
    'password/provide': { promptId: 'guessed-prompt', answer: { user: 'bob', password: 'chosen by the page', remember: true } },
    'password/cancel': { promptId: 'guessed-prompt' },
    'site/status': { origin: stranger },
    'site/enable': { origin: stranger },
    'site/disable': { origin: webmail },
    'trust/list': {},
    'trust/add': { list: 'trustedRoots', data: bytesToBase64(certs.alice.der) },
    'trust/remove': { list: 'trustedRoots', fingerprint: fingerprint(pki.ca.der) },
    'pin/info': { promptId: 'guessed-prompt' },
    'pin/provide': { promptId: 'guessed-prompt', pin: pki.users.bob.pin },
    'pin/cancel': { promptId: 'guessed-prompt' },
    'identities/list': {},
    'identities/set-default': { id: bobIdentity },
    'reader/open': { data: p7m.toString('base64') },
    'reader/open-frame': { token: 'guessed-token' },
    'reader/validation': { sessionId: 'guessed-session' },
    'reader/attachment': { sessionId: 'guessed-session', index: 0 },
    'compose/recipients': { addresses: [pki.users.alice.address] },
    'compose/build': composed,
    'indicator/get': {},
    'indicator/set': { phrase: 'chosen by a page', colour: 'red', glyph: 'A' },
    'oauth/accounts': {},
    'oauth/sign-in': { provider: 'google' },
    'oauth/sign-out': { provider: 'microsoft' },
  };
  return Object.entries(all).map(([type, req]) => ({ type, req }));
}

/** What a content script may ask (DESIGN.md invariant 3): what the webmail page itself may ask. */
const contentScriptMay = ['frame/open-reader', 'frame/prefetch-source', 'frame/open-compose', 'address/status'];

async function newPage(): Promise<Page> {
  const page = await cachet.context.newPage();
  testPages.add(page);
  return page;
}

/** Sends one message from Cachet's options page, as the page's own code does. */
function sendFromOptions(type: string, req: unknown): Promise<unknown> {
  type Runtime = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
  return options.evaluate(([t, r]) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage({ cachet: 1, type: t, req: r }), [type, req] as const);
}

/** Every attempt failed in the browser, before any listener: nothing of Cachet's listens to its sender. */
function expectUnreachable(attempts: readonly Attempt[], probe: Probe): void {
  expect(probe.outcomes.map((o) => o.type)).toEqual(attempts.map((a) => a.type));
  for (const outcome of probe.outcomes) expect(outcome, outcome.type).toEqual({ type: outcome.type, error: unreachable });
  expect(probe.port).toEqual({ disconnected: unreachable });
}

/** The probe extension's worker; the browser keeps it running while Playwright is attached to it. */
function probeWorker(): Worker {
  const worker = cachet.context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${probeId}/`));
  if (worker === undefined) throw new Error('the probe extension\'s worker is gone');
  return worker;
}

/** Posts every shape to the page itself, where Cachet's content script listens, and to every frame in it. */
async function postEverywhere(page: Page, shapes: readonly unknown[]): Promise<void> {
  await page.evaluate((all) => {
    for (const shape of all) {
      window.postMessage(shape, '*');
      for (let i = 0; i < window.frames.length; i++) window.frames[i]?.postMessage(shape, '*');
    }
  }, shapes);
}

/** The execution context of an extension's content script in the page's main frame. */
async function isolatedWorld(page: Page, extensionId: string): Promise<{ cdp: CDPSession; contextId: number; name: string }> {
  const cdp = await page.context().newCDPSession(page);
  const contexts: { readonly id: number; readonly origin: string; readonly name: string; readonly auxData?: unknown }[] = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
  await cdp.send('Runtime.enable');
  const { frameTree } = await cdp.send('Page.getFrameTree');
  for (let waited = 0; waited < 20_000; waited += 100) {
    const found = contexts.find((c) => {
      const aux = c.auxData as { type?: string; frameId?: string } | undefined;
      return aux?.type === 'isolated' && aux.frameId === frameTree.frame.id && c.origin === `chrome-extension://${extensionId}`;
    });
    if (found) return { cdp, contextId: found.id, name: found.name };
    await page.waitForTimeout(100);
  }
  throw new Error(`no content script world of ${extensionId} in ${page.url()}`);
}

async function evaluateIn<T>(world: { cdp: CDPSession; contextId: number }, expression: string): Promise<T> {
  const { result, exceptionDetails } = await world.cdp.send('Runtime.evaluate', { expression, contextId: world.contextId, awaitPromise: true, returnByValue: true });
  if (exceptionDetails) throw new Error(`evaluation failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value as T;
}

/** The page Cachet runs on: a message whose smime.p7m the generic adapter offers to open. */
const mailPage = '<!doctype html><html lang="en"><head><title>Message 7</title></head><body><h1>Message 7</h1>'
  + '<p>From: Alice Demo &lt;alice@example.test&gt;</p><ul><li><a href="/part/2" download="smime.p7m">smime.p7m</a> (3 KB)</li></ul></body></html>';

beforeAll(async () => {
  buildExtension();
  pki = ensureDemoPki();
  certs = makeTestCertificates();
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-privileged-'));
  writeFileSync(path.join(dir, 'plain.txt'), 'Content-Type: text/plain; charset=utf-8\r\n\r\nFor Bob only: 7291\r\n');
  execFileSync('openssl', ['cms', '-encrypt', '-aes256', '-binary', '-outform', 'DER', '-in', path.join(dir, 'plain.txt'), '-out', path.join(dir, 'smime.p7m'), pki.users.bob.certificate.pemFile]);
  p7m = readFileSync(path.join(dir, 'smime.p7m'));

  server = createServer((req, res) => {
    if (req.url === '/part/2') return res.writeHead(200, { 'content-type': 'application/pkcs7-mime' }).end(p7m);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(mailPage);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  webmail = `http://127.0.0.1:${port}`;
  stranger = `http://localhost:${port}`;

  const probeDir = path.join(dir, 'probe-extension');
  writeProbeExtension(probeDir, 'Cachet probe');
  const chromium = path.join(dir, 'chromium');
  writeChromiumWithExtra(chromium, '/usr/bin/chromium', probeDir);
  const host = path.join(dir, 'recording-host.mjs');
  writeRecordingHost(host);
  hostLog = path.join(dir, 'host-input.bin');

  release = await acquireBrowserLock();
  cachet = await launchCachetBrowser({
    userDataDir: path.join(dir, 'profile'),
    chromiumPath: chromium,
    hostScript: host,
    hostEnv: { ...pki.users.bob.hostEnv, CACHET_PROBE_LOG: hostLog, CACHET_PROBE_HOST: path.join(root, 'dist/native-host/host.mjs') },
    grantOrigins: [webmail],
    seed: { trustedRoots: [pki.ca.derFile], addressBook: [pki.users.alice.certificate.derFile], enableSites: [webmail] },
    answers: { pin: pki.users.bob.pin },
  });
  const started = cachet.context.serviceWorkers().find((w) => !w.url().startsWith(cachetOrigin))
    ?? await cachet.context.waitForEvent('serviceworker', { predicate: (w: Worker) => !w.url().startsWith(cachetOrigin) });
  probeId = new URL(started.url()).host;
  cachet.context.on('page', (page) => openedPages.push(page));

  options = await newPage();
  await options.goto(`${cachetOrigin}/options.html`);
  // Cachet's own page lists Bob's card: the host is reached, and the recording sees it.
  const listed = (await sendFromOptions('identities/list', {})) as { ok: boolean; res: { identities: { id: string; addresses: string[] }[] } };
  const bob = listed.res.identities.find((i) => i.addresses.includes(pki.users.bob.address));
  if (bob === undefined) throw new Error(`Bob's card is not listed: ${JSON.stringify(listed)}`);
  bobIdentity = bob.id;
  expect(readHostMessages(hostLog)).toContainEqual<HostMessage>({ kind: 'request', type: 'identities/list' });
}, 300_000);

afterAll(async () => {
  await cachet?.close();
  release?.();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  certs?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Waits for the browser; the bound only stops a broken run. */
const settle = { timeout: 30_000, interval: 100 };

/** Frames a page may try to load: the two web-accessible ones, with and without a guessed token, and three that are not. */
const framedPages = ['reader.html', 'reader.html#guessed-token', 'compose.html', 'compose.html#guessed-token', 'pin.html#guessed-prompt', 'password.html#guessed-prompt', 'options.html'];

describe('privileged commands from outside Cachet\'s own pages', () => {
  it('a web page cannot reach Cachet\'s background', async () => {
    await leavesNoTrace(async () => {
      // Where no extension offers itself to pages, a page has no extension messaging at all.
      const plain = await newPage();
      await plain.goto(`${stranger}/mail`);
      expect(await plain.evaluate(() => typeof (globalThis as { chrome?: { runtime?: unknown } }).chrome?.runtime)).toBe('undefined');
      await plain.close();

      // Where the probe extension offers itself, the page can message it, and still not Cachet.
      const page = await newPage();
      await page.goto(`${webmail}/mail`);
      const attempts = privilegedAttempts();
      expectUnreachable(attempts, await page.evaluate(probeRuntime, { target: cachetId, attempts }));
      const control = await page.evaluate(probeRuntime, { target: probeId, attempts: [{ type: 'ping', req: {} }] });
      expect(control.outcomes).toEqual([{ type: 'ping', reply: { probe: 'pong' } }]);
      await page.close();
    });
  });

  it('a web page cannot make Cachet\'s frames or content script act by postMessage', async () => {
    const page = await newPage();
    await page.goto(`${webmail}/mail`);
    // Cachet's content script is at work in this page: it placed its control.
    await page.locator('cachet-control[data-cachet="reader"]').waitFor({ timeout: 30_000 });
    // The page frames what it can of Cachet. The reader and compose pages are web-accessible
    // (that is how they are framed in a webmail) and run, refusing a guessed token; the
    // PIN, password and options pages are not, and the browser blocks them.
    await page.evaluate(async ({ origin, framed }) => {
      await Promise.all(framed.map((src) => new Promise((resolve) => {
        const frame = document.createElement('iframe');
        frame.src = `${origin}/${src}`;
        frame.onload = resolve;
        document.body.append(frame);
      })));
    }, { origin: cachetOrigin, framed: framedPages });
    const frameUrls = page.frames().slice(1).map((f) => f.url());
    expect(frameUrls.filter((url) => url.startsWith(cachetOrigin)).sort()).toEqual(framedPages.slice(0, 4).map((p) => `${cachetOrigin}/${p}`).sort());
    expect(frameUrls.filter((url) => !url.startsWith(cachetOrigin))).toEqual(Array(3).fill('chrome-error://chromewebdata/'));
    for (const guessed of ['reader.html#guessed-token', 'compose.html#guessed-token']) {
      const frame = page.frames().find((f) => f.url() === `${cachetOrigin}/${guessed}`);
      await expect.poll(() => frame?.locator('body').innerText(), settle).toContain('runtime/forbidden');
    }
    // Framed with no token at all, neither shows anything of the user's: no identities, no form.
    for (const bare of ['reader.html', 'compose.html']) {
      const frame = page.frames().find((f) => f.url() === `${cachetOrigin}/${bare}`);
      await expect.poll(() => frame?.locator('[data-frame-state="refused"]').count(), settle).toBe(1);
      expect(await frame?.locator('form, select, input').count()).toBe(0);
    }

    await leavesNoTrace(async () => {
      const shapes = [
        ...privilegedAttempts().map(({ type, req }) => ({ cachet: 1, type, req })),
        ...privilegedAttempts().map(({ type, req }) => ({ type, ...(req as object) })),
        { cachetFrameHeight: 4321 },
        'pin/provide', 'compose/send',
      ];
      await postEverywhere(page, shapes);
    });
    await page.close();
  });

  it('another extension cannot reach Cachet\'s background or its native host', async () => {
    const attempts = privilegedAttempts();
    await leavesNoTrace(async () => {
      expectUnreachable(attempts, await probeWorker().evaluate(probeRuntime, { target: cachetId, attempts }));

      const own = await newPage();
      await own.goto(`chrome-extension://${probeId}/page.html`);
      expectUnreachable(attempts, await own.evaluate(probeRuntime, { target: cachetId, attempts }));
      await own.close();

      const page = await newPage();
      await page.goto(`${webmail}/mail`);
      const world = await isolatedWorld(page, probeId);
      expectUnreachable(attempts, await evaluateIn<Probe>(world, probeExpression({ target: cachetId, attempts })));
      await page.close();

      // The host is registered for Cachet alone: the browser does not start it for another extension.
      const native = await probeWorker().evaluate(async (name) => {
        type Chrome = { chrome: { runtime: { lastError?: { message?: string }; sendNativeMessage(name: string, message: unknown, reply: (r: unknown) => void): void } } };
        const { runtime } = (globalThis as unknown as Chrome).chrome;
        return new Promise((resolve) => runtime.sendNativeMessage(name, { kind: 'request', id: 'r1', type: 'identities/list', req: {} }, (reply) => {
          resolve(runtime.lastError ? { error: runtime.lastError.message } : { reply });
        }));
      }, NATIVE_HOST_NAME);
      expect(native).toEqual({ error: 'Access to the specified native messaging host is forbidden.' });
    });
  });

  it('Cachet\'s content script may ask only for a frame, a source fetched ahead, and address status', async () => {
    const page = await newPage();
    await page.goto(`${webmail}/mail`);
    const world = await isolatedWorld(page, cachetId);
    // The world Chromium names after the extension: Cachet's content script's own.
    expect(world.name).toBe('Cachet — S/MIME for webmail');
    const attempts = privilegedAttempts();
    const refused = attempts.filter((a) => !contentScriptMay.includes(a.type));
    expect(refused).toHaveLength(attempts.length - contentScriptMay.length);
    await leavesNoTrace(async () => {
      const probe = await evaluateIn<Probe>(world, probeExpression({ target: null, attempts: refused }));
      expect(probe.outcomes.map((o) => o.type)).toEqual(refused.map((a) => a.type));
      for (const { type, reply } of probe.outcomes) {
        expect(reply, type).toEqual({ ok: false, error: { code: 'runtime/forbidden', message: `content-script may not send ${type}` } });
      }
      // The background takes single messages only; a port reaches no one.
      expect(probe.port).toEqual({ disconnected: unreachable });
      // Nor can it go around the background to the settings: no reading, no writing.
      const storage = await evaluateIn<{ read: string; write: string }>(world, `(async () => {
        const outcome = (promise) => promise.then(() => 'allowed', (error) => String(error && error.message));
        return {
          read: await outcome(chrome.storage.local.get(null)),
          write: await outcome(chrome.storage.local.set({ policy: { user: { trustedRoots: ['AAAA'] } } })),
        };
      })()`);
      expect(storage).toEqual({ read: expect.stringContaining('not allowed') as unknown, write: expect.stringContaining('not allowed') as unknown });
    });

    // What it may ask still works: the status of an address in the book, and frames.
    const allowed = await evaluateIn<Probe>(world, probeExpression({ target: null, attempts: attempts.filter((a) => contentScriptMay.includes(a.type)) }));
    expect(allowed.outcomes).toEqual([
      { type: 'address/status', reply: { ok: true, res: { statuses: [{ address: pki.users.alice.address, state: 'certificate' }] } } },
      { type: 'frame/open-reader', reply: { ok: true, res: { url: expect.stringMatching(`^${cachetOrigin}/reader\\.html#.`) as unknown } } },
      { type: 'frame/prefetch-source', reply: { ok: true, res: {} } },
      { type: 'frame/open-compose', reply: { ok: true, res: { url: expect.stringMatching(`^${cachetOrigin}/compose\\.html#.`) as unknown, slot: expect.any(String) as unknown } } },
    ]);
    // The frame token is the frame's to redeem: the content script that got it cannot open the message itself.
    const reader = allowed.outcomes[1]?.reply as { res: { url: string } };
    const compose = allowed.outcomes[3]?.reply as { res: { url: string } };
    const redeem = await evaluateIn<Probe>(world, probeExpression({
      target: null,
      attempts: [
        { type: 'reader/open-frame', req: { token: new URL(reader.res.url).hash.slice(1) } },
        { type: 'compose/open-frame', req: { token: new URL(compose.res.url).hash.slice(1) } },
      ],
    }));
    expect(redeem.outcomes.map((o) => o.reply)).toEqual(Array(2).fill({ ok: false, error: expect.objectContaining({ code: 'runtime/forbidden' }) as unknown }));
    await page.close();
  });

  it('the user\'s own request from the page still decrypts, seen by both observers, and the page cannot drive its frame', async () => {
    const page = await newPage();
    await page.goto(`${webmail}/mail`);
    const hostBefore = readHostMessages(hostLog).length;
    const pagesBefore = openedPages.length;
    const control = page.locator('cachet-control[data-cachet="reader"]');
    await control.waitFor({ timeout: 30_000 });
    // The button sits at the end of Cachet's bar, inside its closed shadow root.
    const box = await control.boundingBox();
    await control.click({ position: { x: (box?.width ?? 80) - 60, y: (box?.height ?? 20) / 2 } });
    const reader = await waitForCachetFrame(page, cachetOrigin, 'reader.html');
    await expect.poll(() => reader.locator('.message-text').textContent().catch(() => ''), settle).toContain('For Bob only: 7291');
    // The card decrypted, after the PIN page asked for its PIN.
    expect(readHostMessages(hostLog).slice(hostBefore)).toContainEqual<HostMessage>({ kind: 'request', type: 'key/decrypt' });
    expect(pagesOpenedSince(pagesBefore).map((url) => new URL(url).pathname)).toEqual(['/pin.html']);

    const frame = await reader.frameElement();
    const frameHeight = async () => (await frame.boundingBox())?.height;
    // Once the reader has finished and the frame stands at the height the reader reports
    // for itself (its body's, within the bounds the content script allows): a frame
    // still at its first height can look settled on a busy machine.
    const reported = () => reader.evaluate(({ low, high }) => document.querySelector('main')?.getAttribute('aria-busy') === 'false'
      ? Math.min(high, Math.max(low, Math.ceil(document.body.getBoundingClientRect().height))) : -1, { low: minFrameHeight, high: maxFrameHeight });
    const setHeight = () => frame.evaluate((element) => (element as HTMLElement).style.height);
    await expect.poll(async () => `${await reported()}px` === (await setHeight()), settle).toBe(true);
    const height = await frameHeight();
    await leavesNoTrace(async () => {
      await postEverywhere(page, [{ cachetFrameHeight: 3 }, ...privilegedAttempts().map(({ type, req }) => ({ cachet: 1, type, req }))]);
    });
    // Only the frame itself sets its height; the page's message was not taken for it.
    expect(await frameHeight()).toBe(height);
    await page.close();
  });
});
