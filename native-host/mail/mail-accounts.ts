/**
 * The mail accounts the host knows, one per webmail origin, and their passwords: settings
 * and remembered passwords in the accounts file (re-read on every use, so `cachet account`
 * changes reach a running host), passwords not to be remembered in this process's memory.
 * A password belongs to the settings it was given for: changing an account's user or any
 * server forgets it, so it never goes to a server the user did not type it for.
 */
import { CachetError } from '../../src/errors';
import type { MailAccountDescription, MailAccountSettings, MailPasswordState } from '../../src/protocol/native';
import { readAccountsFile, writeAccountsFile, type AccountsFile, type StoredAccount } from './accounts-file';
import { mailPasswordBinding, PasswordSealer } from './account-password-seal';

export interface MailCredentials {
  readonly account: MailAccountSettings;
  readonly password: string;
}

function settingsOf({ origin, imap, smtp, user }: MailAccountSettings): MailAccountSettings {
  return { origin, imap: { ...imap }, smtp: { ...smtp }, user };
}

/** Settings compared as a whole: a session password is kept only while they are unchanged. */
function settingsKey(account: MailAccountSettings): string {
  const { origin, imap, smtp, user } = account;
  return JSON.stringify([origin, user, imap.host, imap.port, imap.security, smtp.host, smtp.port, smtp.security]);
}

export class MailAccounts {
  readonly #sealer: PasswordSealer;
  readonly #session = new Map<string, { readonly settings: string; readonly password: string }>();

  constructor(private readonly dir: string) {
    this.#sealer = new PasswordSealer(dir);
  }

  #sessionPassword(account: MailAccountSettings): string | undefined {
    const held = this.#session.get(account.origin);
    if (held && held.settings !== settingsKey(account)) this.#session.delete(account.origin);
    return this.#session.get(account.origin)?.password;
  }

  #describe(account: StoredAccount): MailAccountDescription {
    const password: MailPasswordState = this.#sessionPassword(account) !== undefined ? 'session' : account.password ? 'remembered' : 'none';
    return { ...settingsOf(account), password };
  }

  #find(file: AccountsFile, origin: string): StoredAccount {
    const account = file.accounts.find((a) => a.origin === origin);
    if (!account) throw new CachetError('mail/no-account', `no mail account for ${origin}; set one up first`);
    return account;
  }

  #replace(file: AccountsFile, origin: string, account: StoredAccount | undefined, seal = file.seal): void {
    const others = file.accounts.filter((a) => a.origin !== origin);
    const accounts = account ? [...others, account].sort((a, b) => a.origin.localeCompare(b.origin)) : others;
    writeAccountsFile(this.dir, seal ? { seal, accounts } : { accounts });
  }

  list(): MailAccountDescription[] {
    return readAccountsFile(this.dir).accounts.map((a) => this.#describe(a));
  }

  get(origin: string): MailAccountDescription {
    return this.#describe(this.#find(readAccountsFile(this.dir), origin));
  }

  set(settings: MailAccountSettings): MailAccountDescription {
    const file = readAccountsFile(this.dir);
    const before = file.accounts.find((a) => a.origin === settings.origin);
    const unchanged = before !== undefined && settingsKey(before) === settingsKey(settings);
    const account: StoredAccount = unchanged && before.password ? { ...settingsOf(settings), password: before.password } : settingsOf(settings);
    if (!unchanged) this.#session.delete(settings.origin);
    this.#replace(file, settings.origin, account);
    return this.#describe(account);
  }

  remove(origin: string): boolean {
    this.#session.delete(origin);
    const file = readAccountsFile(this.dir);
    if (!file.accounts.some((a) => a.origin === origin)) return false;
    this.#replace(file, origin, undefined);
    return true;
  }

  /** Remembered: sealed into the file. Not remembered: memory only, and any sealed copy is removed. */
  setPassword(origin: string, password: string, remember: boolean): MailAccountDescription {
    const file = readAccountsFile(this.dir);
    const account = settingsOf(this.#find(file, origin));
    if (!remember) {
      this.#replace(file, origin, account);
      this.#session.set(origin, { settings: settingsKey(account), password });
      return this.#describe(account);
    }
    this.#session.delete(origin);
    const { seal, sealed, fresh } = this.#sealer.seal(password, mailPasswordBinding(account), file.seal);
    // A new seal means the secret changed: the other sealed passwords can no longer be opened.
    const others = fresh ? file.accounts.map((a) => (a.origin === origin ? a : settingsOf(a))) : file.accounts;
    const stored: StoredAccount = { ...account, password: sealed };
    this.#replace({ seal, accounts: others }, origin, stored, seal);
    return this.#describe(stored);
  }

  forgetPassword(origin: string): boolean {
    const hadSession = this.#session.delete(origin);
    const file = readAccountsFile(this.dir);
    const account = file.accounts.find((a) => a.origin === origin);
    if (!account?.password) return hadSession;
    this.#replace(file, origin, settingsOf(account));
    return true;
  }

  /**
   * The account and its password: `given` (used once, not kept), else the one held for the
   * session, else the remembered one; mail/password-needed when there is none to use.
   */
  credentials(origin: string, given?: string): MailCredentials {
    const file = readAccountsFile(this.dir);
    const account = this.#find(file, origin);
    const settings = settingsOf(account);
    if (given !== undefined) return { account: settings, password: given };
    const held = this.#sessionPassword(account);
    if (held !== undefined) return { account: settings, password: held };
    if (!account.password) throw new CachetError('mail/password-needed', `the password of ${account.user} for ${origin} is needed`);
    const opened = this.#sealer.open(account.password, mailPasswordBinding(settings), file.seal);
    if ('problem' in opened) throw new CachetError('mail/password-needed', `the remembered password of ${account.user} for ${origin} cannot be used (${opened.problem}); it is needed again`);
    return { account: settings, password: opened.password };
  }

  /** Drops every password held in memory (the host is ending). */
  forgetSession(): void {
    this.#session.clear();
  }
}
