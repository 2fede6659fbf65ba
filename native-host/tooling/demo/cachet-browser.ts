/**
 * A Chromium profile with Cachet set up as a user would have it, for the webmail
 * end-to-end tests and the `npm start` demo: Debian's Chromium driven by playwright-core
 * with the built extension (dist/chrome), the built native host registered for this
 * profile alone and running with one demo user's token, the webmail's site permission
 * granted, and Cachet's settings (trusted roots, mail account, address book, enabled
 * sites) given through the extension's own runtime messages.
 */
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { normaliseOrigin } from '../../../src/policy/validate';
import { NATIVE_HOST_NAME } from '../../../src/protocol/native';
import type { Req, Res, RuntimeCommand } from '../../../src/protocol/runtime';
import { bytesToBase64 } from '../../../src/protocol/runtime-bytes';
import { unwrapResponse } from '../../../src/protocol/runtime-envelope';
import { DEMO_USER_NAMES, type DemoPki, type DemoUserName } from './demo-pki';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Fixed by the manifest's `key` (native-host/install/extension-ids.ts). */
export const CACHET_EXTENSION_ID = 'beglfbkfegljnkmhdkjjekghmmefnefn';
export const CACHET_EXTENSION_ORIGIN = `chrome-extension://${CACHET_EXTENSION_ID}`;
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The loopback mail system of native-host/tooling/mail-system/mail-system.sh. */
export const DEMO_WEBMAIL: DemoWebmail = { origin: 'http://127.0.0.1:8025', imap: '127.0.0.1:143', smtp: '127.0.0.1:587' };

export interface DemoWebmail {
  readonly origin: string;
  /** host:port, STARTTLS (the mail system offers nothing else). */
  readonly imap: string;
  readonly smtp: string;
}

/** A mail account as the `mailAccounts` policy key takes it; servers as "host:port[/starttls|/tls]". */
export interface MailAccountSeed {
  readonly origin: string;
  readonly imap: string;
  readonly smtp: string;
  readonly user: string | null;
}

export interface CachetSeed {
  /** Certificate files (PEM or DER) added to the user's trusted roots, as the options page's import does. */
  readonly trustedRoots?: readonly string[];
  /** Mail accounts set for their origins; the user's accounts for other origins are kept. */
  readonly mailAccounts?: readonly MailAccountSeed[];
  /** Certificate files of peers, imported into the address book as if harvested earlier. */
  readonly addressBook?: readonly string[];
  /** Webmail origins Cachet is switched on for; each needs its permission (`grantOrigins`). */
  readonly enableSites?: readonly string[];
}

/** Answers typed into Cachet's prompt pages when they open. */
export interface PromptAnswers {
  /** Typed into the PIN page (pin.html), which the host opens for a token login. */
  readonly pin?: string;
  /** Typed into the mail password page (password.html). */
  readonly mailPassword?: string;
}

export interface CachetBrowserOptions {
  /** Chromium's profile directory; made when missing and kept afterwards. */
  readonly userDataDir: string;
  /** The environment the native host runs with (DemoUser.hostEnv: token, configuration, HOME). */
  readonly hostEnv: Readonly<Record<string, string>>;
  /** Origins whose host permission is recorded as granted before the browser starts. */
  readonly grantOrigins?: readonly string[];
  readonly seed?: CachetSeed;
  readonly answers?: PromptAnswers;
  /** Default true; a visible window needs a display. */
  readonly headless?: boolean;
  readonly extensionDir?: string;
  readonly hostScript?: string;
  readonly chromiumPath?: string;
  /** More command-line switches for Chromium (tests: host resolver rules, a test certificate). */
  readonly extraArgs?: readonly string[];
}

export interface CachetBrowser {
  readonly context: BrowserContext;
  /** The extension's background service worker. */
  readonly worker: Worker;
  readonly extensionOrigin: string;
  /** The PIN pages answered so far, each with what it said the card was unlocked for. */
  readonly pinPurposes: readonly (readonly string[])[];
  close(): Promise<void>;
}

/** Quotes a value for a POSIX shell script. */
const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Chromium started with --user-data-dir looks for native host manifests in
 * <dir>/NativeMessagingHosts before the system's, so this profile gets its own host
 * without touching the machine's registrations. The launcher gives the host the user's
 * environment, which a browser does not pass on to a host it starts.
 */
function registerNativeHost(userDataDir: string, hostScript: string, env: Readonly<Record<string, string>>): void {
  const dir = path.join(userDataDir, 'NativeMessagingHosts');
  mkdirSync(dir, { recursive: true });
  const launcher = path.join(dir, 'cachet-host.sh');
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  writeFileSync(launcher, ['#!/bin/sh', ...exports, `exec ${shellQuote(process.execPath)} ${shellQuote(hostScript)} "$@"`, ''].join('\n'), { mode: 0o755 });
  writeFileSync(path.join(dir, `${NATIVE_HOST_NAME}.json`), `${JSON.stringify({
    name: NATIVE_HOST_NAME,
    description: 'Cachet native host',
    path: launcher,
    type: 'stdio',
    allowed_origins: [`${CACHET_EXTENSION_ORIGIN}/`],
  }, null, 2)}\n`);
}

/**
 * The host pattern recorded for an origin: the origin's own pages
 * (`http://127.0.0.1:8025/*`), exactly what the popup's "Use Cachet on this site" asks
 * the browser for, and what switching Cachet off for the site gives back.
 */
function hostPermissionPattern(origin: string): string {
  return `${new URL(origin).origin}/*`;
}

type Json = Record<string, unknown>;

function child(parent: Json, key: string): Json {
  const value = parent[key];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  const made: Json = {};
  parent[key] = made;
  return made;
}

/**
 * Records the origins' host permission as granted in the profile's Preferences, where
 * Chromium on Linux keeps what a user allowed an unpacked extension
 * (`extensions.settings.<id>.granted_permissions` and `active_permissions`). This stands in
 * for the user's click on "Allow" in the browser's permission prompt, which no automation
 * can reach; the popup's "Use Cachet on this site" asks for this permission in that click.
 *
 * Chromium reads the file at start and honours an entry written before the extension was
 * ever loaded (it fills in the rest on loading it), so a new profile needs one launch,
 * not a launch to create the entry and a second one after editing it. Measured with
 * Chromium 156: `chrome.permissions.contains` is then true in the service worker.
 */
function grantHostPermissions(userDataDir: string, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const file = path.join(userDataDir, 'Default', 'Preferences');
  let prefs: Json = {};
  if (existsSync(file)) {
    try {
      prefs = JSON.parse(readFileSync(file, 'utf8')) as Json;
    } catch (error) {
      throw new Error(`cannot grant Cachet's site permission: ${file} is not readable JSON (${(error as Error).message})`, { cause: error });
    }
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
  }
  const settings = child(child(child(prefs, 'extensions'), 'settings'), CACHET_EXTENSION_ID);
  const patterns = origins.map(hostPermissionPattern);
  for (const set of ['granted_permissions', 'active_permissions']) {
    const permissions = child(settings, set);
    const current = Array.isArray(permissions.explicit_host) ? permissions.explicit_host.filter((p): p is string => typeof p === 'string') : [];
    permissions.explicit_host = [...new Set([...current, ...patterns])];
    for (const list of ['api', 'manifest_permissions', 'scriptable_host']) if (!Array.isArray(permissions[list])) permissions[list] = [];
  }
  writeFileSync(file, JSON.stringify(prefs));
}

/** Sends one runtime message from an extension page, as Cachet's own pages do. */
async function send<K extends RuntimeCommand>(page: Page, type: K, req: Req<K>): Promise<Res<K>> {
  type Runtime = { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } };
  const reply = await page.evaluate(
    ([t, r]) => (globalThis as unknown as Runtime).chrome.runtime.sendMessage({ cachet: 1, type: t, req: r }),
    [type, req] as const,
  );
  return unwrapResponse(reply) as Res<K>;
}

async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`seeding Cachet's settings: ${what} failed: ${reason}`, { cause: error });
  }
}

function checkedOrigin(origin: string): string {
  const normal = normaliseOrigin(origin);
  if (normal === undefined) throw new Error(`seeding Cachet's settings: ${origin} is not a webmail origin Cachet accepts`);
  return normal;
}

/** How long the background may take to answer after a launch before seeding gives up. */
const BACKGROUND_ANSWER_WAIT_MS = 30_000;
const BACKGROUND_ASK_WAIT_MS = 5_000;

/**
 * Opens the options page once the background answers it. When the profile last ran the
 * extension from another folder, Chromium installs it again just after the launch: the
 * first worker is stopped and the first page's messages find no listener ("Receiving end
 * does not exist"), or are never answered. Each try asks with a fresh page and a bound.
 */
async function answeringOptionsPage(context: BrowserContext): Promise<Page> {
  const deadline = Date.now() + BACKGROUND_ANSWER_WAIT_MS;
  for (;;) {
    const page = await context.newPage();
    let timer: NodeJS.Timeout | undefined;
    try {
      await page.goto(`${CACHET_EXTENSION_ORIGIN}/options.html`);
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${BACKGROUND_ASK_WAIT_MS} ms`)), BACKGROUND_ASK_WAIT_MS);
      });
      await Promise.race([send(page, 'policy/get', {}), silent]);
      return page;
    } catch (error) {
      await page.close().catch(() => undefined);
      if (Date.now() > deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`seeding Cachet's settings: the background did not answer (${reason})`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Gives the settings through the options page, the way the user's own clicks there would. */
async function seedSettings(context: BrowserContext, seed: CachetSeed): Promise<void> {
  const page = await answeringOptionsPage(context);
  try {
    for (const file of seed.trustedRoots ?? []) {
      await step(`adding the trusted root ${file}`, () => send(page, 'trust/add', { list: 'trustedRoots', data: bytesToBase64(readFileSync(file)) }));
    }
    const accounts = seed.mailAccounts ?? [];
    if (accounts.length > 0) {
      const origins = accounts.map((a) => checkedOrigin(a.origin));
      await step(`setting the mail accounts of ${origins.join(', ')}`, async () => {
        const { user } = await send(page, 'policy/get', {});
        const kept = (user.mailAccounts ?? []).filter((a) => !origins.includes(a.origin));
        return send(page, 'policy/set-user', { key: 'mailAccounts', value: [...kept, ...accounts] });
      });
    }
    for (const file of seed.addressBook ?? []) {
      await step(`importing ${file} into the address book`, () => send(page, 'address-book/import', { fileName: path.basename(file), data: bytesToBase64(readFileSync(file)) }));
    }
    for (const origin of seed.enableSites ?? []) {
      const site = checkedOrigin(origin);
      await step(`switching Cachet on for ${site}`, async () => {
        const status = await send(page, 'site/enable', { origin: site });
        if (!status.enabled) throw new Error(`the background reports it off (${JSON.stringify(status)})`);
      });
    }
  } finally {
    await page.close();
  }
}

/**
 * Types the answer into a PIN or mail password page opened by the background. Popup
 * windows start as about:blank and then load the page; anything else is left alone.
 */
async function answerPrompt(page: Page, answers: PromptAnswers, pinPurposes: string[][]): Promise<void> {
  const prompt = /\/(pin|password)\.html#/;
  if (!prompt.test(page.url()) && page.url() !== 'about:blank') return;
  await page.waitForURL(prompt, { timeout: 20_000 });
  const kind = new URL(page.url()).pathname;
  const answer = kind === '/pin.html' ? answers.pin : kind === '/password.html' ? answers.mailPassword : undefined;
  if (answer === undefined) return;
  if (kind === '/pin.html') {
    const purposes = page.locator('.pin-purposes li');
    await purposes.first().waitFor({ timeout: 20_000 });
    pinPurposes.push(await purposes.allTextContents());
  }
  // Selected by form structure rather than label text, so any UI language works.
  await page.locator('form input[type="password"]').fill(answer);
  await page.locator('form button[type="submit"]').click();
}

/**
 * A Chromium still running on the profile would refuse a second one, and would write its
 * own Preferences over the granted permissions when it exits. Its SingletonLock names it.
 */
export function assertProfileFree(userDataDir: string): void {
  let owner: string;
  try {
    owner = readlinkSync(path.join(userDataDir, 'SingletonLock'));
  } catch {
    return;
  }
  const match = /^(.*)-(\d+)$/.exec(owner);
  if (match?.[1] !== hostname()) return;
  try {
    process.kill(Number(match[2]), 0);
  } catch {
    return;
  }
  throw new Error(`Chromium (pid ${match[2]}) is using ${userDataDir}: close it first`);
}

function assertBuilt(file: string): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: build first (node native-host/tooling/build.mjs)`);
}

async function backgroundWorker(context: BrowserContext): Promise<Worker> {
  const ours = (w: Worker): boolean => w.url().startsWith(`${CACHET_EXTENSION_ORIGIN}/`);
  return context.serviceWorkers().find(ours) ?? context.waitForEvent('serviceworker', { predicate: ours, timeout: 30_000 });
}

/**
 * A profile kept from run to run (the demo's) holds the extension's service worker as
 * Chromium registered it. An unpacked extension loaded again at the same version is not
 * registered anew, so a rebuilt background would never run there: the old one would, and
 * speak an older native protocol than the host beside it. The registrations are dropped
 * before each launch; Cachet's own data (its storage and IndexedDB) stays.
 */
function forgetServiceWorkers(userDataDir: string): void {
  rmSync(path.join(userDataDir, 'Default', 'Service Worker'), { recursive: true, force: true });
}

/** Starts Chromium with Cachet, its native host, the granted sites and the seeded settings. */
export async function launchCachetBrowser(options: CachetBrowserOptions): Promise<CachetBrowser> {
  const extensionDir = path.resolve(options.extensionDir ?? path.join(root, 'dist/chrome'));
  const hostScript = path.resolve(options.hostScript ?? path.join(root, 'dist/native-host/host.mjs'));
  const chromiumPath = options.chromiumPath ?? DEFAULT_CHROMIUM;
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  assertBuilt(path.join(extensionDir, 'manifest.json'));
  assertBuilt(hostScript);

  assertProfileFree(options.userDataDir);
  mkdirSync(options.userDataDir, { recursive: true });
  forgetServiceWorkers(options.userDataDir);
  registerNativeHost(options.userDataDir, hostScript, options.hostEnv);
  grantHostPermissions(options.userDataDir, (options.grantOrigins ?? []).map(checkedOrigin));

  const context = await chromium.launchPersistentContext(options.userDataDir, {
    executablePath: chromiumPath,
    headless: options.headless ?? true,
    // A window on screen lays its pages out at its own size, not at a fixed emulated one.
    ...(options.headless === false && { viewport: null }),
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      // Chromium refuses to start as root with its sandbox on.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      ...(options.extraArgs ?? []),
    ],
  });
  try {
    const answers = options.answers;
    const pinPurposes: string[][] = [];
    if (answers) context.on('page', (page) => void answerPrompt(page, answers, pinPurposes).catch(() => undefined));
    const worker = await backgroundWorker(context);
    if (options.seed) await seedSettings(context, options.seed);
    return { context, worker, extensionOrigin: CACHET_EXTENSION_ORIGIN, pinPurposes, close: () => context.close() };
  } catch (error) {
    await context.close().catch(() => undefined);
    throw error;
  }
}

export interface DemoBrowserOptions {
  readonly pki: DemoPki;
  readonly user: DemoUserName;
  readonly userDataDir: string;
  /** The webmail set up for the user; null leaves out the site and the mail account. */
  readonly webmail?: DemoWebmail | null;
  /** Types the token PIN and the mail password into their pages (tests, the headless demo). */
  readonly autoFill?: boolean;
  readonly headless?: boolean;
}

/** The mail system's password for a user (mail-system.sh: alice-secret, bob-secret, …). */
const demoMailPassword = (user: DemoUserName): string => `${user}-secret`;

/**
 * What a demo user's Cachet holds: the demo CA trusted, the other demo users' certificates
 * in the address book, and the webmail switched on with its mail account.
 */
export function demoSeed(pki: DemoPki, user: DemoUserName, webmail: DemoWebmail | null = DEMO_WEBMAIL): CachetSeed {
  const me = pki.users[user];
  return {
    trustedRoots: [pki.ca.derFile],
    addressBook: DEMO_USER_NAMES.filter((peer) => peer !== user).map((peer) => pki.users[peer].certificate.derFile),
    ...(webmail && {
      mailAccounts: [{ origin: webmail.origin, imap: webmail.imap, smtp: webmail.smtp, user: me.address }],
      enableSites: [webmail.origin],
    }),
  };
}

/** A demo user's Chromium with Cachet seeded by `demoSeed`. */
export function launchDemoBrowser(options: DemoBrowserOptions): Promise<CachetBrowser> {
  const me = options.pki.users[options.user];
  const webmail = options.webmail === undefined ? DEMO_WEBMAIL : options.webmail;
  return launchCachetBrowser({
    userDataDir: options.userDataDir,
    hostEnv: me.hostEnv,
    grantOrigins: webmail ? [webmail.origin] : [],
    seed: demoSeed(options.pki, options.user, webmail),
    ...(options.autoFill && { answers: { pin: me.pin, mailPassword: demoMailPassword(options.user) } }),
    ...(options.headless !== undefined && { headless: options.headless }),
  });
}
