/**
 * The secure reader in Debian's firefox-esr with the built extension and the real native
 * host over a SoftHSM2 token holding Bob's key (DESIGN.md invariants 1 and 2, B13, B17,
 * B19), as reader.test.ts does in Chromium: Firefox starts the host through its own
 * manifest lookup (allowed_extensions, `<manifest> <add-on id>` arguments), the PIN is
 * typed in the PIN window the background opens, and the corpus messages decrypt and verify.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, buildExtension, root } from './browser';
import { firefoxOrigin, launchFirefoxWithExtension, type FirefoxSession } from './firefox';
import { makeTokenHost, USER_PIN, type TokenHost } from './token-host';

const corpus = path.join(root, '../shared/corpora/thunderbird-smime/mailnews/test/data/smime');
/** Bounds only stop a broken run; they measure nothing. */
const settle = { timeout: 30_000, interval: 100 };

let token: TokenHost | undefined;
let firefox: FirefoxSession | undefined;

function session(): FirefoxSession {
  if (!firefox) throw new Error('firefox-esr did not start');
  return firefox;
}

beforeAll(async () => {
  buildExtension();
  token = makeTokenHost(['Bob']);
  firefox = await launchFirefoxWithExtension(
    { trustedRoots: [new X509Certificate(readFileSync(path.join(corpus, 'TestCA.pem'))).raw.toString('base64')] },
    { nativeHost: { env: token.env } },
  );
}, 180_000);

afterAll(async () => {
  try {
    await firefox?.close();
  } finally {
    token?.cleanup();
  }
});

async function openInReader(file: string): Promise<void> {
  await session().navigate(`${firefoxOrigin}/reader.html`);
  await session().setFiles('input[type=file]', [path.join(corpus, file)]);
}

/** The window the background opened for the host's PIN request. */
async function pinWindow(): Promise<string> {
  let found: string | undefined;
  await expect.poll(async () => {
    found = (await session().topLevelContexts()).find((c) => c.url.startsWith(`${firefoxOrigin}/pin.html#`))?.context;
    return found;
  }, settle).toBeDefined();
  if (found === undefined) throw new Error('no PIN window');
  return found;
}

const isOpen = async (context: string) => (await session().topLevelContexts()).some((c) => c.context === context);

const bannerVerdicts = () => session().evaluate<string[]>("[...document.querySelectorAll('.banner')].map((n) => n.getAttribute('data-verdict') ?? '')");
const attribute = (selector: string, name: string) =>
  session().evaluate<string | null>(`document.querySelector(${JSON.stringify(selector)})?.getAttribute(${JSON.stringify(name)}) ?? null`);

describe('secure reader in firefox-esr with the real host and a SoftHSM2 token', () => {
  it('asks for the PIN in its own window, decrypts for Bob and shows Alice\'s good signature', async () => {
    await openInReader('alice.dsig.SHA256.multipart.env.eml');
    const pin = await pinWindow();
    const field = 'input[type=password]:not([disabled])';
    await expect.poll(() => session().evaluate<boolean>(`document.querySelector(${JSON.stringify(field)}) !== null`, pin), settle).toBe(true);
    await session().type(field, USER_PIN, pin);
    await session().click('button[type=submit]', pin);
    // An accepted PIN closes its window.
    await expect.poll(() => isOpen(pin), settle).toBe(false);

    await expect.poll(bannerVerdicts, settle).toEqual(['good']);
    expect(await attribute('.security-summary', 'data-encrypted')).toBe('true');
    expect(await session().evaluate<string>("document.querySelector('.message-text')?.textContent ?? ''")).toContain('This is a test message from Alice to Bob');
    expect(await session().evaluate<string>("document.querySelector('.banner')?.textContent ?? ''")).toContain('Alice');
    await session().screenshot(artifactPath('firefox-reader.png'));
  });

  it('shows a tampered signature as bad', async () => {
    await openInReader('alice.dsig.SHA256.multipart.bad.eml');
    await expect.poll(bannerVerdicts, settle).toEqual(['bad']);
    expect(await attribute('.banner', 'data-status')).toBe('digest-mismatch');
    await session().screenshot(artifactPath('firefox-reader-bad.png'));
  });
});
