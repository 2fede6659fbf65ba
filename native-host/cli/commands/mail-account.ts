/**
 * `cachet account set | list | remove | forget`: the mail accounts the native
 * host sends and fetches with, one per webmail origin, kept in the key store directory.
 */
import { CachetError } from '../../../src/errors';
import { mailAccountSettings, mailOrigin } from '../../../src/protocol/native-mail-validators';
import type { MailAccountDescription } from '../../../src/protocol/native';
import { EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { parseSingleOptions } from './cli-input';
import { formatServer, MAIL_CONFIG_NOTE, mailExitCode, mailServiceFromConfig, parseServerArgument, readPasswordFile, usable } from './mail-cli';

function originArgument(positionals: readonly string[]): string {
  if (positionals.length !== 1) throw new UsageError('give one ORIGIN');
  return usable(() => mailOrigin(positionals[0], 'ORIGIN'));
}

function describe(a: MailAccountDescription): string {
  return `${a.origin}\n  user ${a.user}\n  IMAP ${formatServer(a.imap)}\n  SMTP ${formatServer(a.smtp)}\n  password ${a.password === 'remembered' ? 'remembered' : 'not remembered'}\n`;
}

export const accountSet: Command = {
  name: 'account set',
  summary: 'set up the mail account (IMAP, SMTP, user) of a webmail origin',
  usage: `usage: cachet account set ORIGIN --imap HOST:PORT[/starttls|/tls] --smtp HOST:PORT[/starttls|/tls]
                          --user USER [--password-file F [--remember]]

Sets the mail servers and user name the native host uses for the webmail at ORIGIN (for
example https://mail.example.org or http://127.0.0.1:8025), replacing earlier settings.
Changing the user or a server forgets the remembered password.

  --imap, --smtp   the server, its port and how it is protected: starttls (a plain
                   connection upgraded before the login) or tls (TLS from the start).
                   Without it: tls on ports 993 and 465, starttls on others. Certificates
                   are always verified
  --user USER      the login name on both servers
  --password-file F
                   read the password from the first line of F ('-': standard input) and
                   check it by logging in to both servers
  --remember       keep that password, once it works, sealed in the accounts file
                   (AES-256-GCM under a key from a secret file beside it, 0600); without
                   it the password is only checked, and the extension asks for it

${MAIL_CONFIG_NOTE}

Exit status: 0 set (and the password works); 1 the servers refused the password or could
not be reached (the settings are kept, the password is not); 2 unusable arguments.
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseSingleOptions(args, ['--imap', '--smtp', '--user', '--password-file'], ['--remember']);
    const origin = originArgument(parsed.positionals);
    const imap = parsed.one('--imap');
    const smtp = parsed.one('--smtp');
    const user = parsed.one('--user');
    if (imap === undefined || smtp === undefined || user === undefined) throw new UsageError('--imap, --smtp and --user are required');
    const passwordFile = parsed.one('--password-file');
    const remember = parsed.flags.has('--remember');
    if (remember && passwordFile === undefined) throw new UsageError('--remember needs --password-file');
    // The same checks as for the extension's account/set.
    const settings = usable(() => mailAccountSettings({ origin, imap: parseServerArgument(imap, '--imap'), smtp: parseServerArgument(smtp, '--smtp'), user }, 'account'));
    const password = await readPasswordFile(passwordFile, io);
    const mail = mailServiceFromConfig();
    let account = mail.accounts.set(settings);
    if (password !== undefined) {
      try {
        await mail.checkLogin(origin, password);
      } catch (error) {
        io.stdout.write(describe(account));
        return mailExitCode(error, 'account set', io);
      }
      if (remember) account = mail.accounts.setPassword(origin, password, true);
      io.stdout.write('the password works on both servers\n');
    }
    io.stdout.write(describe(account));
    return EXIT_OK;
  },
};

export const accountList: Command = {
  name: 'account list',
  summary: 'list the mail accounts of webmail origins',
  usage: `usage: cachet account list [--json]

Lists the mail accounts set up with cachet account set: origin, user, servers, and whether
a password is remembered. Passwords are never shown.

  --json   one JSON array instead of text

${MAIL_CONFIG_NOTE}

Exit status: 0 listed; 2 the accounts file cannot be read.
`,
  run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseSingleOptions(args, [], ['--json']);
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0] ?? ''}`);
    const accounts = mailServiceFromConfig().accounts.list();
    if (parsed.flags.has('--json')) io.stdout.write(JSON.stringify(accounts, null, 2) + '\n');
    else if (accounts.length === 0) io.stdout.write('no mail accounts\n');
    else for (const a of accounts) io.stdout.write(describe(a));
    return Promise.resolve(EXIT_OK);
  },
};

export const accountRemove: Command = {
  name: 'account remove',
  summary: 'remove the mail account of a webmail origin, with its password',
  usage: `usage: cachet account remove ORIGIN

Removes the mail account of ORIGIN and its remembered password.

Exit status: 0 removed; 2 unusable arguments, or no account for ORIGIN.
`,
  run(args: readonly string[], io: CliIo): Promise<number> {
    const origin = originArgument(parseSingleOptions(args, []).positionals);
    if (!mailServiceFromConfig().accounts.remove(origin)) throw new CachetError('mail/no-account', `no mail account for ${origin}`);
    io.stdout.write(`removed ${origin}\n`);
    return Promise.resolve(EXIT_OK);
  },
};

export const accountForgetPassword: Command = {
  name: 'account forget',
  summary: 'forget the remembered password of a mail account',
  usage: `usage: cachet account forget ORIGIN

Removes the remembered password of the mail account of ORIGIN from the accounts file; the
extension asks for it again when it next sends or fetches.

Exit status: 0 forgotten, or none was remembered; 2 unusable arguments or no account.
`,
  run(args: readonly string[], io: CliIo): Promise<number> {
    const origin = originArgument(parseSingleOptions(args, []).positionals);
    const mail = mailServiceFromConfig();
    mail.accounts.get(origin);
    io.stdout.write(mail.accounts.forgetPassword(origin) ? `forgot the password for ${origin}\n` : `no password was remembered for ${origin}\n`);
    return Promise.resolve(EXIT_OK);
  },
};
