/**
 * Launches Debian's Chromium with the built extension (dist/chrome) through
 * playwright-core; no browser is ever downloaded. A managed policy for the extension is
 * written to Chromium's system policy folder for the run and removed afterwards.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { NATIVE_HOST_NAME } from '../../src/protocol/native';
import { acquireBrowserLock } from './browser-lock';
import { buildExtensionOnce } from './build-once';
import { writeHostLauncher } from './host-launcher';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const extensionDir = path.join(root, 'dist/chrome');
/** Fixed by the manifest's `key`. */
export const extensionId = 'beglfbkfegljnkmhdkjjekghmmefnefn';
export const extensionOrigin = `chrome-extension://${extensionId}`;
export const artifacts = path.join(root, 'test/e2e/artifacts');

const chromiumPath = '/usr/bin/chromium';
const policyDir = '/etc/chromium/policies/managed';

export function buildExtension(): void {
  buildExtensionOnce(root);
}

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  readonly worker: Worker;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The extension's 3rdparty policy, as an admin would set it. */
  readonly managedPolicy?: Record<string, unknown>;
  /**
   * Registers the built native host (dist/native-host/host.mjs) for this profile only;
   * an object gives the environment the host runs with (its token, its configuration).
   */
  readonly nativeHost?: boolean | { readonly env: Readonly<Record<string, string>> };
}


/**
 * Chromium started with --user-data-dir reads host manifests from <dir>/NativeMessagingHosts,
 * so the test registers the host there and leaves the machine's registrations alone.
 */
function registerNativeHost(userDataDir: string, env: Readonly<Record<string, string>>): void {
  const dir = path.join(userDataDir, 'NativeMessagingHosts');
  mkdirSync(dir, { recursive: true });
  const launcher = path.join(dir, 'cachet-host.sh');
  writeHostLauncher(launcher, env);
  writeFileSync(path.join(dir, `${NATIVE_HOST_NAME}.json`), JSON.stringify({
    name: NATIVE_HOST_NAME,
    description: 'Cachet native host (e2e test)',
    path: launcher,
    type: 'stdio',
    allowed_origins: [`${extensionOrigin}/`],
  }));
}

export async function launchWithExtension({ managedPolicy, nativeHost = false }: LaunchOptions = {}): Promise<LaunchedBrowser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  const release = await acquireBrowserLock();
  let policyFile: string | undefined;
  if (managedPolicy) {
    mkdirSync(policyDir, { recursive: true });
    policyFile = path.join(policyDir, `cachet-e2e-${process.pid}.json`);
    writeFileSync(policyFile, JSON.stringify({ '3rdparty': { extensions: { [extensionId]: managedPolicy } } }));
  }
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'cachet-chromium-'));
  if (nativeHost) registerNativeHost(userDataDir, nativeHost === true ? {} : nativeHost.env);
  const cleanup = () => {
    try {
      if (policyFile) rmSync(policyFile, { force: true });
      rmSync(userDataDir, { recursive: true, force: true });
    } finally {
      release();
    }
  };
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    return {
      context,
      worker,
      close: async () => {
        try {
          await context.close();
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

export function artifactPath(name: string): string {
  mkdirSync(artifacts, { recursive: true });
  return path.join(artifacts, name);
}
