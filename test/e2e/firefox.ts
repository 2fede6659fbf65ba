/**
 * Drives Debian's firefox-esr with the built extension (dist/firefox) over WebDriver BiDi,
 * the protocol stock Firefox ships. Playwright cannot be used: its Firefox needs a patched
 * build, and its BiDi mode ("moz-firefox") calls emulation.setMediaFeaturesOverride,
 * which firefox-esr 153 does not implement. `--remote-allow-system-access` is what lets
 * a BiDi session navigate to moz-extension:// pages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'undici';
import { root } from './browser';

const firefoxPath = '/usr/bin/firefox-esr';
/** Firefox reads enterprise policies (and so managed storage) from here. */
const policiesFile = '/usr/lib/firefox-esr/distribution/policies.json';
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

export interface FirefoxSession {
  navigate(url: string): Promise<void>;
  /** Evaluates an expression in the page, awaiting a promise result; returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
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
    child.once('exit', (code) => reject(new Error(`firefox-esr exited (${code}) before BiDi started:\n${log}`)));
  });
}

export async function launchFirefoxWithExtension(managedPolicy?: Record<string, unknown>): Promise<FirefoxSession> {
  if (!existsSync(firefoxPath)) throw new Error(`${firefoxPath} is missing: apt-get install firefox-esr`);
  let wrotePolicies = false;
  if (managedPolicy) {
    if (existsSync(policiesFile)) throw new Error(`${policiesFile} exists already; not overwriting it`);
    writeFileSync(policiesFile, JSON.stringify({ policies: { '3rdparty': { Extensions: { [firefoxExtensionId]: managedPolicy } } } }));
    wrotePolicies = true;
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'cachet-firefox-'));
  writeFileSync(path.join(profile, 'user.js'), [
    `user_pref("extensions.webextensions.uuids", ${JSON.stringify(JSON.stringify({ [firefoxExtensionId]: firefoxExtensionUuid }))});`,
    'user_pref("browser.shell.checkDefaultBrowser", false);',
    'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
    'user_pref("app.update.disabledForTesting", true);',
    '',
  ].join('\n'));
  const child = spawn(firefoxPath, ['--headless', '--no-remote', '--remote-allow-system-access', '--remote-debugging-port=0', '--profile', profile], {
    // Firefox refuses to start as root when HOME belongs to someone else.
    env: { ...process.env, HOME: process.env['HOME'] ?? tmpdir(), MOZ_CRASHREPORTER_DISABLE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const cleanup = () => {
    if (!child.killed) child.kill();
    if (wrotePolicies) rmSync(policiesFile, { force: true });
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const socket = new WebSocket(`${await bidiUrl(child)}/session`);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve());
      socket.addEventListener('error', () => reject(new Error('BiDi WebSocket failed')));
    });
    let nextId = 0;
    const waiting = new Map<number, (reply: BiDiReply) => void>();
    socket.addEventListener('message', (event) => {
      const reply = JSON.parse(String(event.data)) as BiDiReply;
      if (reply.id !== undefined) waiting.get(reply.id)?.(reply);
    });
    const send = (method: string, params: unknown): Promise<unknown> => new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, (reply) => {
        waiting.delete(id);
        if (reply.type === 'success') resolve(reply.result);
        else reject(new Error(`${method}: ${reply.error ?? ''} ${reply.message ?? ''}`));
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
    await send('session.new', { capabilities: {} });
    await send('webExtension.install', { extensionData: { type: 'path', path: path.join(root, 'dist/firefox') } });
    const tree = (await send('browsingContext.getTree', {})) as { contexts: { context: string }[] };
    const context = tree.contexts[0]?.context;
    if (!context) throw new Error('Firefox has no browsing context');
    return {
      async navigate(url) {
        await send('browsingContext.navigate', { context, url, wait: 'complete' });
      },
      async evaluate<T>(expression: string): Promise<T> {
        // JSON through a string keeps the value plain, whatever BiDi's own serialisation does.
        const result = (await send('script.evaluate', {
          expression: `Promise.resolve(${expression}).then((v) => JSON.stringify(v ?? null))`,
          target: { context },
          awaitPromise: true,
        })) as { type: string; result?: { value?: string }; exceptionDetails?: { text?: string } };
        if (result.type !== 'success') throw new Error(`evaluate failed: ${result.exceptionDetails?.text ?? 'unknown'}`);
        return JSON.parse(result.result?.value ?? 'null') as T;
      },
      async close() {
        try {
          await send('session.end', {}).catch(() => undefined);
          socket.close();
        } finally {
          cleanup();
        }
      },
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}
