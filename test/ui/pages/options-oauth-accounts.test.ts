// @vitest-environment jsdom
/**
 * The options page's mail provider accounts, rendered with the English catalogue against a
 * scripted background: what each provider's block says (client and by whom, sign-in, what
 * it allows, which sites use it), the live regions through a sign-in and a sign-out, the
 * typed OAuth errors in words, and focus kept in the block when its buttons change.
 */
import { h, render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachetError, type ErrorCode } from '../../../src/errors';
import type { OAuthAccountView, Req, Res, RuntimeCommand, RuntimeSend } from '../../../src/protocol/runtime';
import type { MessageKey, Translate } from '../../../src/ui/platform';
import english from '../../../src/ui/locales/en/messages.json';
import { OAuthAccountsSection } from '../../../src/ui/pages/options/oauth-accounts-section';

const t: Translate = (key: MessageKey, substitutions = []) => {
  const values = typeof substitutions === 'string' ? [substitutions] : substitutions;
  return english[key].message.replace(/\$(\d)/g, (_, n: string) => values[Number(n) - 1] ?? '');
};

const google: OAuthAccountView = { provider: 'google', client: 'policy', signedIn: false, granted: [], needed: ['send', 'read'], sites: ['https://mail.google.com'] };
const microsoft: OAuthAccountView = { provider: 'microsoft', client: 'none', signedIn: false, granted: [], needed: ['send', 'read'], sites: [] };

/** A background whose answers the test gives, one command at a time; every request is kept. */
function scriptedBackground(accounts: readonly OAuthAccountView[]) {
  const sent: { type: RuntimeCommand; req: unknown }[] = [];
  const waiting = new Map<RuntimeCommand, { resolve: (res: unknown) => void; reject: (error: unknown) => void }>();
  const send = (<K extends RuntimeCommand>(type: K, req: Req<K>): Promise<Res<K>> => {
    sent.push({ type, req });
    if (type === 'oauth/accounts') return Promise.resolve({ accounts } as Res<K>);
    return new Promise((resolve, reject) => waiting.set(type, { resolve: resolve as (res: unknown) => void, reject }));
  }) as RuntimeSend;
  return {
    send,
    sent,
    answer<K extends RuntimeCommand>(type: K, res: Res<K>) {
      waiting.get(type)?.resolve(res);
    },
    fail(type: RuntimeCommand, code: ErrorCode, message: string) {
      waiting.get(type)?.reject(new CachetError(code, message));
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
let container: HTMLElement | undefined;
afterEach(() => {
  if (container) render(null, container);
  container?.remove();
});

async function show(accounts: readonly OAuthAccountView[]) {
  const background = scriptedBackground(accounts);
  container = document.createElement('main');
  document.body.append(container);
  render(h(OAuthAccountsSection, { send: background.send, t }), container);
  const root = container;
  // Preact runs effects (the accounts' request) after the next frame.
  await vi.waitFor(() => expect(root.querySelectorAll('[data-provider]')).toHaveLength(accounts.length));
  const block = (provider: string) => root.querySelector(`[data-provider="${provider}"]`) as HTMLElement;
  const button = (provider: string, name: string) => [...block(provider).querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent) === name);
  const status = (provider: string) => block(provider).querySelector('[role="status"]')?.textContent ?? '';
  const alert = (provider: string) => block(provider).querySelector('[role="alert"]')?.textContent ?? '';
  return { background, root, block, button, status, alert };
}

describe('mail provider accounts in the options page', () => {
  it('says for each provider whose client it is, whether Cachet is signed in and which sites use it', async () => {
    const { root, block, button } = await show([google, microsoft]);
    const section = root.querySelector('section') as HTMLElement;
    expect(document.getElementById(section.getAttribute('aria-labelledby') ?? '')?.textContent).toBe('Mail provider accounts');
    const googleBlock = block('google');
    expect(googleBlock.getAttribute('role')).toBe('group');
    expect(document.getElementById(googleBlock.getAttribute('aria-labelledby') ?? '')?.textContent).toBe('Google');
    expect(googleBlock.textContent).toContain('Set by your organisation.');
    expect(googleBlock.textContent).toContain('Not signed in.');
    expect(googleBlock.textContent).toContain('https://mail.google.com');
    expect(button('google', 'Sign in')?.disabled).toBe(false);
    expect(button('google', 'Sign out of Google')).toBeUndefined();
    // No client: Sign in cannot be pressed, and says why to assistive technology.
    const signIn = button('microsoft', 'Sign in');
    expect(signIn?.disabled).toBe(true);
    expect(document.getElementById(signIn?.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/^Not set: add one under/);
    expect(block('microsoft').textContent).toContain('No webmail sends or fetches through it yet');
  });

  it('says what a kept sign-in allows in words, and what the sites still need', async () => {
    const { block, button } = await show([{ ...google, client: 'options', signedIn: true, granted: ['send'] }, microsoft]);
    expect(block('google').textContent).toContain('Set in these settings.');
    expect(block('google').textContent).toContain('Signed in: Cachet may send mail.');
    const again = button('google', 'Sign in');
    expect(document.getElementById(again?.getAttribute('aria-describedby') ?? '')?.textContent)
      .toBe('Your webmail settings also need Cachet to read a message: sign in again to allow it.');
    expect(button('google', 'Sign out of Google')?.disabled).toBe(false);
  });

  it('signs in: the status says where to finish while the window is open, then what Cachet may do, and focus stays in the block', async () => {
    const { background, block, button, status } = await show([google, microsoft]);
    button('google', 'Sign in')?.click();
    await settle();
    expect(background.sent.at(-1)).toEqual({ type: 'oauth/sign-in', req: { provider: 'google' } });
    expect(status('google')).toBe('Signing in to Google: finish in the window that opened.');
    expect(block('google').getAttribute('aria-busy')).toBe('true');
    expect(button('google', 'Sign in')?.disabled).toBe(true);
    background.answer('oauth/sign-in', { accounts: [{ ...google, signedIn: true, granted: ['send', 'read'] }, microsoft] });
    await settle();
    expect(status('google')).toBe('Signed in to Google. Cachet may send mail, read a message.');
    expect(block('google').getAttribute('aria-busy')).toBe('false');
    expect(block('google').textContent).toContain('Signed in: Cachet may send mail, read a message.');
    expect(button('google', 'Sign in')).toBeUndefined();
    expect(button('google', 'Sign out of Google')).toBeDefined();
    expect(document.activeElement?.textContent).toBe('Google');
  });

  it.each([
    ['oauth/consent-blocked', 'Google refused: your organisation has not approved Cachet to reach your mail. Ask your administrator to allow the app.'],
    ['oauth/cancelled', 'Not signed in to Google: the sign-in was closed or access was declined.'],
    ['oauth/not-configured', 'No Google sign-in app is set, or Google does not accept it: check it under “Sign-in apps for Gmail and Microsoft 365”, or ask your administrator.'],
    ['oauth/scope-missing', 'Google did not grant everything Cachet asked for. Sign in again and allow it.'],
  ] as const)('says %s in words, with the background\'s details beneath', async (code, words) => {
    const { background, block, button, status, alert } = await show([google, microsoft]);
    button('google', 'Sign in')?.click();
    await settle();
    background.fail('oauth/sign-in', code, 'the provider said: admin_policy_enforced');
    await settle();
    expect(alert('google')).toBe(words);
    expect(status('google')).toBe('');
    expect(block('google').querySelector('.announcer .detail')?.textContent).toBe(`Details: the provider said: admin_policy_enforced (${code})`);
    // The accounts are asked again: a refused sign-in may have changed what is kept.
    await vi.waitFor(() => expect(background.sent.filter((s) => s.type === 'oauth/accounts')).toHaveLength(2));
  });

  it('says another error as the background gave it', async () => {
    const { background, button, alert } = await show([google, microsoft]);
    button('google', 'Sign in')?.click();
    await settle();
    background.fail('oauth/sign-in', 'runtime/internal', 'internal error in the background');
    await settle();
    expect(alert('google')).toBe('internal error in the background (runtime/internal)');
  });

  it('signs out of Microsoft, saying that it could only forget', async () => {
    const signedIn = { ...microsoft, client: 'options' as const, signedIn: true, granted: ['read' as const], needed: ['read' as const], sites: ['https://outlook.office.com'] };
    const { background, button, status, alert } = await show([google, signedIn]);
    button('microsoft', 'Sign out of Microsoft')?.click();
    await settle();
    expect(status('microsoft')).toBe('Signing out of Microsoft…');
    background.answer('oauth/sign-out', { accounts: [google, { ...signedIn, signedIn: false, granted: [] }], revocation: 'not-offered' });
    await settle();
    expect(status('microsoft')).toMatch(/^Signed out of Microsoft: Cachet forgot its sign-in\. Microsoft offers Cachet no way to revoke it/);
    expect(alert('microsoft')).toBe('');
    expect(button('microsoft', 'Sign in')?.disabled).toBe(false);
    expect(document.activeElement?.textContent).toBe('Microsoft');
  });

  it('signs out of Google, saying that Google took the access back', async () => {
    const signedIn = { ...google, signedIn: true, granted: ['send' as const, 'read' as const] };
    const { background, block, button, status, alert } = await show([signedIn, microsoft]);
    button('google', 'Sign out of Google')?.click();
    await settle();
    background.answer('oauth/sign-out', { accounts: [google, microsoft], revocation: 'revoked' });
    await settle();
    expect(status('google')).toBe('Signed out of Google, and Google has taken back Cachet\'s access.');
    expect(alert('google')).toBe('');
    expect(block('google').textContent).toContain('Not signed in.');
  });

  it('says plainly when Google could not be asked to revoke the forgotten sign-in', async () => {
    const signedIn = { ...google, signedIn: true, granted: ['send' as const, 'read' as const] };
    const { background, block, button, alert } = await show([signedIn, microsoft]);
    button('google', 'Sign out of Google')?.click();
    await settle();
    background.answer('oauth/sign-out', { accounts: [google, microsoft], revocation: 'failed', detail: 'Google did not answer: fetch failed' });
    await settle();
    expect(alert('google')).toBe('Cachet forgot its Google sign-in, but Google could not be asked to revoke it. Remove Cachet from the apps in your Google account.');
    expect(block('google').querySelector('.announcer .detail')?.textContent).toBe('Details: Google did not answer: fetch failed');
  });
});
