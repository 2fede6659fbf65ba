import { describe, expect, it } from 'vitest';
import { createPasswordPrompts } from '../../background/password-prompts';
import { createPolicyStore } from '../../background/policy-store';
import { createHostMailTransport } from '../../background/transports/host-mail-transport';
import { CachetError } from '../../src/errors';
import type { MailAccountDescription } from '../../src/protocol/native';
import type { PasswordPromptInfo } from '../../src/protocol/runtime';
import { memoryStorage } from './memory-storage';

const site = 'http://127.0.0.1:8025';
const account = { origin: site, imap: '127.0.0.1:143', smtp: '127.0.0.1:587' };

/** A native host that knows one password and records what it was asked. */
function fakeHost(password: string) {
  const calls: { type: string; req: Record<string, unknown>; spliced: boolean }[] = [];
  let held: MailAccountDescription | undefined;
  let given: string | undefined;
  // A value sent as octets (a spliced chunk run) arrives in its field as base64, as the host's assembler puts it.
  const request = (type: string, req: Record<string, unknown>, octets?: { field: string; bytes: Uint8Array }): Promise<unknown> => {
    calls.push({ type, req: octets ? { ...req, [octets.field]: Buffer.from(octets.bytes).toString('base64') } : req, spliced: octets !== undefined });
    switch (type) {
      case 'account/list':
        return Promise.resolve({ accounts: held ? [held] : [] });
      case 'account/set':
        held = { ...(req as unknown as MailAccountDescription), password: 'none' };
        given = undefined;
        return Promise.resolve({ account: held });
      case 'account/set-password':
        given = req['password'] as string;
        return Promise.resolve({ account: held });
      case 'mail/send':
        if (given === undefined) return Promise.reject(new CachetError('mail/password-needed', 'no password'));
        if (given !== password) return Promise.reject(new CachetError('mail/auth-failed', 'wrong password'));
        return Promise.resolve({ accepted: ['bob@example.test'], rejected: [], savedToSent: true });
      default:
        return Promise.reject(new Error(`unexpected ${type}`));
    }
  };
  return { request, calls };
}

async function setup(policyAccount: Record<string, unknown>, answers: string[]) {
  const host = fakeHost('bob-secret');
  const policy = createPolicyStore(memoryStorage(), memoryStorage());
  await policy.setUser('mailAccounts', [policyAccount]);
  const asked: PasswordPromptInfo[] = [];
  let n = 0;
  const prompts = createPasswordPrompts(async (promptId) => {
    const info = prompts.info(promptId);
    asked.push(info);
    const password = answers.shift();
    await Promise.resolve();
    if (password === undefined) prompts.cancel(promptId);
    else prompts.provide(promptId, { user: info.user ?? 'bob@example.test', password, remember: false });
  }, () => `p${++n}`);
  const transport = createHostMailTransport(host.request as never, policy, prompts);
  return { transport, asked, calls: host.calls };
}

const envelope = { from: 'bob@example.test', to: ['alice@example.test'] };

describe('sending through the native host', () => {
  it('sets the account up in the host, asks the password in Cachet\'s window, and sends', async () => {
    const { transport, asked, calls } = await setup({ ...account, user: 'bob@example.test' }, ['bob-secret']);
    const result = await transport.submit(site, new Uint8Array([1, 2, 3]), envelope);
    expect(result).toEqual({ accepted: ['bob@example.test'], rejected: [], savedToSent: true });
    expect(asked).toEqual([{ purpose: 'mail-account', site, user: 'bob@example.test', failed: false }]);
    expect(calls.map((c) => c.type)).toEqual(['account/list', 'account/set', 'mail/send', 'account/set-password', 'mail/send']);
    expect(calls.at(-1)?.req).toMatchObject({ origin: site, message: 'AQID', envelope, saveToSent: true });
    // The message goes as octets, cut into frames; no base64 string of it is made here.
    expect(calls.filter((c) => c.type === 'mail/send').map((c) => c.spliced)).toEqual([true, true]);
  });

  it('asks again, saying the password was wrong, and stops when the user cancels', async () => {
    const { transport, asked } = await setup({ ...account, user: 'bob@example.test' }, ['wrong']);
    await expect(transport.submit(site, new Uint8Array([1]), envelope)).rejects.toMatchObject({ code: 'mail/password-needed' });
    expect(asked.map((a) => a.failed)).toEqual([false, true]);
  });

  it('asks for the user name too when the policy names none', async () => {
    const { transport, asked, calls } = await setup(account, ['bob-secret']);
    await transport.submit(site, new Uint8Array([1]), envelope);
    expect(asked[0]?.user).toBeNull();
    expect(calls.find((c) => c.type === 'account/set')?.req).toMatchObject({ user: 'bob@example.test' });
  });

  it('says where to set up an account for a site without one', async () => {
    const { transport } = await setup({ ...account, origin: 'https://other.example' }, []);
    await expect(transport.submit(site, new Uint8Array([1]), envelope)).rejects.toMatchObject({ code: 'mail/no-account' });
  });
});
