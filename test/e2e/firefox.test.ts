import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtension } from './browser';
import { firefoxOrigin, launchFirefoxWithExtension, type FirefoxSession } from './firefox';

/** Waits for the UI to reach a state; the bound only stops a broken run, it measures nothing. */
const settle = { timeout: 20_000, interval: 100 };

const text = (selector: string) => `document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`;
const send = (type: string, req: unknown) => `browser.runtime.sendMessage(${JSON.stringify({ cachet: 1, type, req })})`;

beforeAll(() => buildExtension());

describe('Cachet in firefox-esr', () => {
  let firefox: FirefoxSession;
  beforeAll(async () => {
    firefox = await launchFirefoxWithExtension();
  });
  afterAll(async () => {
    await firefox.close();
  });

  it('options page renders the native host status in Firefox terms', async () => {
    await firefox.navigate(`${firefoxOrigin}/options.html`);
    await expect.poll(() => firefox.evaluate<string | null>("document.querySelector('[data-native-state]')?.getAttribute('data-native-state') ?? null"), settle)
      .toMatch(/^(connected|not-installed|forbidden|failed-to-start|exited|error)$/);
    expect(await firefox.evaluate<string>(text('h1'))).toBe('Cachet settings');
  });

  it('the background answers our pages and refuses what they may not ask', async () => {
    await firefox.navigate(`${firefoxOrigin}/options.html`);
    expect(await firefox.evaluate(send('policy/get', {}))).toMatchObject({ ok: true, res: { locked: [] } });
    expect(await firefox.evaluate(send('frame/open-reader', { messageId: 'm' }))).toMatchObject({ ok: false, error: { code: 'runtime/forbidden' } });
    expect(await firefox.evaluate(send('pin/provide', { promptId: 'p', pin: '1' }))).toMatchObject({ ok: false, error: { code: 'runtime/forbidden' } });
  });

  it('a user option changed in the options page persists', async () => {
    await firefox.navigate(`${firefoxOrigin}/options.html`);
    const checkbox = "[...document.querySelectorAll('label')].find((l) => l.textContent === 'Sign new messages')?.control";
    await expect.poll(() => firefox.evaluate<boolean | null>(`${checkbox}?.checked ?? null`), settle).toBe(false);
    await firefox.evaluate(`${checkbox}.click()`);
    await expect.poll(() => firefox.evaluate<string>(text('[role="status"]')), settle).toBe('Saved.');
    await firefox.navigate(`${firefoxOrigin}/popup.html`);
    await expect.poll(() => firefox.evaluate<string>(text('main')), settle).toContain('Sign new messages: on');
  });
});

describe('Cachet in firefox-esr, managed policy (policies.json 3rdparty)', () => {
  let firefox: FirefoxSession;
  beforeAll(async () => {
    firefox = await launchFirefoxWithExtension({ alwaysEncrypt: true });
  });
  afterAll(async () => {
    await firefox.close();
  });

  it('reports the managed key as locked', async () => {
    await firefox.navigate(`${firefoxOrigin}/options.html`);
    expect(await firefox.evaluate(send('policy/get', {}))).toMatchObject({ ok: true, res: { locked: ['alwaysEncrypt'], policy: { alwaysEncrypt: true } } });
    const checkbox = "[...document.querySelectorAll('label')].find((l) => l.textContent?.startsWith('Encrypt new messages'))?.control";
    await expect.poll(() => firefox.evaluate<boolean | null>(`${checkbox}?.disabled ?? null`), settle).toBe(true);
  });
});
