/**
 * Sending and fetching through the native host's SMTP and IMAP (native-host/mail/): the
 * way that works with every webmail that has standard mail servers behind it. The
 * account comes from the `mailAccounts` policy (options or managed); the host keeps the
 * password, which Cachet's password page asks for when the host has none or it fails.
 */
import { CachetError, isCachetError } from '../../src/errors';
import type { MailAccountPolicy } from '../../src/policy';
import type { MailAccountSettings, NativeReq, NativeRequestType, NativeRes } from '../../src/protocol/native';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { RequestOctets } from '../native/native-client';
import type { PasswordPrompts } from '../password-prompts';
import type { PolicyStore } from '../policy-store';
import type { MailTransport } from './transport';

type NativeRequest = <K extends Exclude<NativeRequestType, 'hello'>>(type: K, req: NativeReq<K>, octets?: RequestOctets<K>) => Promise<NativeRes<K>>;

/** Wrong passwords asked again before the send gives up; the user can always cancel. */
const maxPasswordTries = 3;

export function createHostMailTransport(request: NativeRequest, policy: PolicyStore, passwords: PasswordPrompts): MailTransport {
  async function accountOf(site: string): Promise<MailAccountPolicy> {
    const account = (await policy.current()).mailAccounts.find((a) => a.origin === site);
    if (!account) throw new CachetError('mail/no-account', `no mail account is set up for ${site}: add it under "Mail accounts" in Cachet's options`);
    return account;
  }

  /** The host's copy of the account, brought in line with the policy's when they differ. */
  async function hostAccount(account: MailAccountPolicy): Promise<MailAccountSettings | undefined> {
    const { accounts } = await request('account/list', {});
    const held = accounts.find((a) => a.origin === account.origin);
    if (account.user === null) {
      if (!held) return undefined;
      if (sameServers(held, account)) return held;
      return (await request('account/set', settings(account, held.user))).account;
    }
    if (held && held.user === account.user && sameServers(held, account)) return held;
    return (await request('account/set', settings(account, account.user))).account;
  }

  /** Runs `work`; while the host lacks a password or has a wrong one, asks the user. */
  async function withPassword<T>(site: string, work: () => Promise<T>): Promise<T> {
    const account = await accountOf(site);
    let held = await hostAccount(account);
    let failed = false;
    for (let tries = 0; ; tries++) {
      if (held !== undefined) {
        try {
          return await work();
        } catch (error) {
          const retry = isCachetError(error) && (error.code === 'mail/password-needed' || error.code === 'mail/auth-failed');
          if (!retry || tries >= maxPasswordTries) throw error;
          failed = error.code === 'mail/auth-failed';
        }
      }
      const answer = await passwords.ask(site, held?.user ?? account.user, failed);
      if (held === undefined || held.user !== answer.user) held = (await request('account/set', settings(account, answer.user))).account;
      await request('account/set-password', { origin: site, password: answer.password, remember: answer.remember });
    }
  }

  return {
    submit(site, message, envelope) {
      return withPassword(site, async () => {
        // The message's base64 is cut into the frames from its octets: no one string of it is made.
        const result = await request('mail/send', {
          origin: site, message: '', envelope: { from: envelope.from, to: [...envelope.to] }, saveToSent: true,
        }, { field: 'message', bytes: message });
        return { accepted: result.accepted, rejected: result.rejected, savedToSent: result.savedToSent };
      });
    },
    fetchByMessageId(site, messageId) {
      return withPassword(site, async () => base64ToBytes((await request('mail/fetch', { origin: site, messageId })).message));
    },
  };
}

function settings(account: MailAccountPolicy, user: string): MailAccountSettings {
  return { origin: account.origin, imap: account.imap, smtp: account.smtp, user };
}

function sameServers(held: MailAccountSettings, account: MailAccountPolicy): boolean {
  const same = (a: MailAccountSettings['imap'], b: MailAccountPolicy['imap']) => a.host === b.host && a.port === b.port && a.security === b.security;
  return same(held.imap, account.imap) && same(held.smtp, account.smtp);
}
