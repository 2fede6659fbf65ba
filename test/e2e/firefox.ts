/**
 * Drives Debian's firefox-esr with the built extension (dist/firefox) over WebDriver BiDi,
 * the protocol stock Firefox ships. Playwright cannot be used: its Firefox needs a patched
 * build, and its BiDi mode ("moz-firefox") calls emulation.setMediaFeaturesOverride,
 * which firefox-esr 153 does not implement. `--remote-allow-system-access` is what lets
 * a BiDi session navigate to moz-extension:// pages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'undici';
import { root } from './browser';
import { registerFirefoxNativeHost } from './firefox-native-host';

const firefoxPath = '/usr/bin/firefox-esr';
/** Firefox reads enterprise policies (and so managed storage) from here. */
const policiesFile = '/usr/lib/firefox-esr/distribution/policies.json';
/**
 * policies.json is one file for every Firefox on the machine, and test files run in
 * parallel: a launch holds this lock from before it could write the file until its
 * Firefox has read it, so no Firefox starts with another run's policy.
 */
const startupLock = path.join(tmpdir(), 'cachet-firefox-startup.lock');
/** A lock older than this was left by a killed run. */
const staleLockMs = 5 * 60_000;
/** Longer than any command takes in a working run; only a hung Firefox reaches it. */
const commandMs = 60_000;
export const firefoxExtensionId = 'cachet@cachet-smime.org';
/** Pinned through the extensions.webextensions.uuids preference so URLs are known. */
export const firefoxExtensionUuid = '0f6c1d2e-7a3b-4c5d-8e9f-a1b2c3d4e5f6';
export const firefoxOrigin = `moz-extension://${firefoxExtensionUuid}`;

interface BiDiReply {
  id?: number;
  type: 'success' | 'error' | 'event';
  result?: unknown;
  error?: string;
  message?: string;
}

interface SharedReference {
  readonly sharedId: string;
}

export interface FirefoxLaunchOptions {
  /**
   * Registers the built native host (dist/native-host/host.mjs) in this run's scratch
   * HOME, started with the given environment (its token, its configuration).
   */
  readonly nativeHost?: { readonly env: Readonly<Record<string, string>> };
}

/** A tab or window, as WebDriver BiDi names it. */
export interface TopLevelContext {
  readonly context: string;
  readonly url: string;
}

/**
 * Every call acts on the tab the session started with unless given another context
 * (a window the extension opened, found through `topLevelContexts`).
 */
export interface FirefoxSession {
  readonly context: string;
  navigate(url: string): Promise<void>;
  /** Evaluates an expression in the page, awaiting a promise result; returns its JSON value. */
  evaluate<T>(expression: string, context?: string): Promise<T>;
  topLevelContexts(): Promise<TopLevelContext[]>;
  /** Picks files in the `<input type=file>` the selector finds, as the file chooser would. */
  setFiles(selector: string, files: readonly string[], context?: string): Promise<void>;
  /** Clicks the element with the mouse. */
  click(selector: string, context?: string): Promise<void>;
  /** Clicks the element, then types the text key by key, so the page sees real input events. */
  type(selector: string, text: string, context?: string): Promise<void>;
  /** Saves a PNG of the whole document. */
  screenshot(file: string, context?: string): Promise<void>;
  close(): Promise<void>;
}

function bidiUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(log);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`firefox-esr exited (${code}) before BiDi started:\n${log}`)));
  });
}

/**
 * Bounds a step that a broken Firefox could leave pending forever, so the launch or close
 * that awaits it still gets to clean up.
 */
async function within<T>(step: Promise<T>, ms: number, what: string): Promise<T> {
  const expired = sleep(ms, undefined, { ref: false }).then(() => {
    throw new Error(`firefox-esr: ${what} did not finish within ${ms / 1000} s`);
  });
  return Promise.race([step, expired]);
}

async function acquireStartupLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(startupLock);
      return () => rmSync(startupLock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock gone since mkdir failed counts as fresh: the next round takes it.
      const taken = statSync(startupLock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - taken > staleLockMs) rmSync(startupLock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
}

/** Waits for the process to end; a Firefox that ignores SIGTERM is killed. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(10_000, false, { ref: false })]);
  if (!graceful) {
    child.kill('SIGKILL');
    await exited;
  }
}

function profilePreferences(): string {
  return [
    `user_pref("extensions.webextensions.uuids", ${JSON.stringify(JSON.stringify({ [firefoxExtensionId]: firefoxExtensionUuid }))});`,
    'user_pref("browser.shell.checkDefaultBrowser", false);',
    'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
    'user_pref("app.update.disabledForTesting", true);',
    '',
  ].join('\n');
}

export async function launchFirefoxWithExtension(managedPolicy?: Record<string, unknown>, options: FirefoxLaunchOptions = {}): Promise<FirefoxSession> {
  if (!existsSync(firefoxPath)) throw new Error(`${firefoxPath} is missing: apt-get install firefox-esr`);
  const scratch = mkdtempSync(path.join(tmpdir(), 'cachet-firefox-'));
  const profile = path.join(scratch, 'profile');
  // A HOME of its own keeps the machine's host registrations (~/.mozilla) out of the run.
  // Firefox run as root refuses a HOME someone else owns; this one is the caller's.
  const home = path.join(scratch, 'home');
  mkdirSync(profile);
  mkdirSync(home);
  writeFileSync(path.join(profile, 'user.js'), profilePreferences());
  let releaseLock: (() => void) | undefined;
  let wrotePolicies = false;
  const removePolicies = () => {
    if (wrotePolicies) rmSync(policiesFile, { force: true });
    wrotePolicies = false;
  };
  const unlock = () => {
    removePolicies();
    releaseLock?.();
    releaseLock = undefined;
  };
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    unlock();
    if (child) await stopProcess(child);
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    if (options.nativeHost) registerFirefoxNativeHost(home, options.nativeHost.env);
    releaseLock = await acquireStartupLock();
    if (managedPolicy) {
      if (existsSync(policiesFile)) throw new Error(`${policiesFile} exists already; not overwriting it`);
      writeFileSync(policiesFile, JSON.stringify({ policies: { '3rdparty': { Extensions: { [firefoxExtensionId]: managedPolicy } } } }));
      wrotePolicies = true;
    }
    child = spawn(firefoxPath, ['--headless', '--no-remote', '--remote-allow-system-access', '--remote-debugging-port=0', '--profile', profile], {
      env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const socket = new WebSocket(`${await within(bidiUrl(child), commandMs, 'starting WebDriver BiDi')}/session`);
    await within(new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve());
      socket.addEventListener('error', () => reject(new Error('BiDi WebSocket failed')));
    }), commandMs, 'opening the BiDi WebSocket');
    let nextId = 0;
    const waiting = new Map<number, (reply: BiDiReply) => void>();
    socket.addEventListener('message', (event) => {
      const reply = JSON.parse(String(event.data)) as BiDiReply;
      if (reply.id !== undefined) waiting.get(reply.id)?.(reply);
    });
    // A Firefox that dies mid-command answers nothing; fail the command instead of hanging.
    socket.addEventListener('close', () => {
      for (const answer of waiting.values()) answer({ type: 'error', error: 'connection closed', message: 'Firefox closed the BiDi connection' });
    });
    const send = (method: string, params: unknown): Promise<unknown> => within(new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, (reply) => {
        waiting.delete(id);
        if (reply.type === 'success') resolve(reply.result);
        else reject(new Error(`${method}: ${reply.error ?? ''} ${reply.message ?? ''}`));
      });
      socket.send(JSON.stringify({ id, method, params }));
    }), commandMs, method);
    await send('session.new', { capabilities: {} });
    await send('webExtension.install', { extensionData: { type: 'path', path: path.join(root, 'dist/firefox') } });
    // Firefox parsed the policies at startup and keeps them in memory (storage.managed
    // reads them from there), so the file can go and the next launch may start.
    unlock();
    const topLevelContexts = async (): Promise<TopLevelContext[]> => {
      const tree = (await send('browsingContext.getTree', { maxDepth: 0 })) as { contexts: TopLevelContext[] };
      return tree.contexts.map(({ context, url }) => ({ context, url }));
    };
    const context = (await topLevelContexts())[0]?.context;
    if (!context) throw new Error('Firefox has no browsing context');
    const element = async (selector: string, target: string): Promise<SharedReference> => {
      const { nodes } = (await send('browsingContext.locateNodes', { context: target, locator: { type: 'css', value: selector }, maxNodeCount: 1 })) as { nodes: SharedReference[] };
      const node = nodes[0];
      if (!node) throw new Error(`no element matches ${selector}`);
      return { sharedId: node.sharedId };
    };
    const click = async (selector: string, target = context): Promise<void> => {
      const origin = { type: 'element', element: await element(selector, target) };
      await send('input.performActions', {
        context: target,
        actions: [{ type: 'pointer', id: 'mouse', actions: [{ type: 'pointerMove', x: 0, y: 0, origin }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] }],
      });
    };
    return {
      context,
      topLevelContexts,
      click,
      async navigate(url) {
        await send('browsingContext.navigate', { context, url, wait: 'complete' });
      },
      async evaluate<T>(expression: string, target = context): Promise<T> {
        // JSON through a string keeps the value plain, whatever BiDi's own serialisation does.
        const result = (await send('script.evaluate', {
          expression: `Promise.resolve(${expression}).then((v) => JSON.stringify(v ?? null))`,
          target: { context: target },
          awaitPromise: true,
        })) as { type: string; result?: { value?: string }; exceptionDetails?: { text?: string } };
        if (result.type !== 'success') throw new Error(`evaluate failed: ${result.exceptionDetails?.text ?? 'unknown'}`);
        return JSON.parse(result.result?.value ?? 'null') as T;
      },
      async setFiles(selector, files, target = context) {
        await send('input.setFiles', { context: target, element: await element(selector, target), files });
      },
      async type(selector, text, target = context) {
        await click(selector, target);
        const keys = [...text].flatMap((value) => [{ type: 'keyDown', value }, { type: 'keyUp', value }]);
        await send('input.performActions', { context: target, actions: [{ type: 'key', id: 'keyboard', actions: keys }] });
      },
      async screenshot(file, target = context) {
        const { data } = (await send('browsingContext.captureScreenshot', { context: target, origin: 'document' })) as { data: string };
        writeFileSync(file, Buffer.from(data, 'base64'));
      },
      async close() {
        try {
          await send('session.end', {}).catch(() => undefined);
          socket.close();
        } finally {
          await cleanup();
        }
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
