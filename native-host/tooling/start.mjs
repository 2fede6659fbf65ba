// The main job after the build: registers the native host for a Chromium profile of
// Cachet's own and opens Debian's Chromium with the built extension loaded, on Cachet's
// options page (native host status, identities, settings). Without a display it starts
// Chromium headless instead, waits until the extension has reached the host, prints
// what the options page says and saves a screenshot, then exits.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromiumPath = '/usr/bin/chromium';
const extensionDir = path.join(root, 'dist/chrome');
// Fixed by the manifest's "key" (native-host/install/extension-ids.ts).
const extensionId = 'beglfbkfegljnkmhdkjjekghmmefnefn';
const startPage = `chrome-extension://${extensionId}/options.html`;
const profile = path.join(process.env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'cachet', 'chromium-profile');

if (!existsSync(chromiumPath)) {
  console.error(`${chromiumPath} is missing: install Debian's chromium (apt-get install chromium).`);
  process.exit(1);
}
mkdirSync(profile, { recursive: true });
execFileSync(process.execPath, [path.join(root, 'dist/native-host/cachet.mjs'), 'host', 'install', '--browser', 'chromium', '--user-data-dir', profile], { stdio: 'inherit' });

const args = [
  `--disable-extensions-except=${extensionDir}`,
  `--load-extension=${extensionDir}`,
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Chromium refuses to start as root with its sandbox on.
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
if (hasDisplay) {
  const child = spawn(chromiumPath, [`--user-data-dir=${profile}`, ...args, startPage], { detached: true, stdio: 'ignore' });
  child.unref();
  console.log(`Chromium is open with Cachet loaded (profile ${profile}).`);
  console.log(`Cachet's pages: ${startPage}, and the reader and compose from the toolbar button.`);
} else {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [...args, '--disable-gpu', '--disable-quic'],
  });
  try {
    const page = await context.newPage();
    await page.goto(startPage);
    const status = page.locator('[data-native-state]').first();
    await status.waitFor({ timeout: 30_000 });
    // Every section has answered once nothing says "Loading…" any more.
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'), undefined, { timeout: 30_000 }).catch(() => undefined);
    const shot = path.join(root, 'dist', 'cachet-options.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log('No display: Chromium ran headless with Cachet loaded.');
    console.log(`Native host: ${await status.getAttribute('data-native-state')} — ${(await status.textContent())?.trim() ?? ''}`);
    console.log(`Options page screenshot: ${shot}`);
    console.log(`On a desktop, npm start opens Chromium with profile ${profile}.`);
  } finally {
    await context.close();
  }
}
