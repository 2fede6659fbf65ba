/**
 * `cachet fetch`: reads one raw message over IMAP, by UID or by Message-ID, and writes
 * its exact octets: the fallback the extension uses where a webmail shows no raw source.
 */
import { mailboxName, mailOrigin, messageIdField } from '../../../src/protocol/native-mail-validators';
import { EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { parseSingleOptions } from './cli-input';
import { writeOutput } from './cli-output';
import { MAIL_CONFIG_NOTE, mailExitCode, mailServiceFromConfig, readPasswordFile, usable } from './mail-cli';

const usage = `usage: cachet fetch --account ORIGIN (--uid N [--mailbox M] | --message-id ID [--mailbox M])
                    [-o OUT] [--password-file F]

Fetches one message from the IMAP server of the mail account set up for ORIGIN and writes
it exactly as the server holds it, to OUT or standard output. The mailbox is opened
read-only, so the message is not marked as read.

  --account ORIGIN   the webmail origin the account belongs to
  --uid N            the message's IMAP UID in the mailbox
  --message-id ID    the message's Message-ID (angle brackets optional)
  --mailbox M        the mailbox to look in; default INBOX
  -o OUT             where to write the message; default standard output
  --password-file F  the account's password on the first line of F ('-': standard input),
                     for this command only; default: the password remembered for ORIGIN

${MAIL_CONFIG_NOTE}

Exit status: 0 written; 1 no such message, or the server refused or could not be
reached; 2 unusable arguments, no account for ORIGIN, or no password known for it.
`;

export const fetchMessage: Command = {
  name: 'fetch',
  summary: 'fetch a raw message over IMAP by UID or Message-ID',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseSingleOptions(args, ['--account', '--uid', '--message-id', '--mailbox', '-o', '--password-file']);
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0] ?? ''}`);
    const account = parsed.one('--account');
    if (account === undefined) throw new UsageError('--account is required');
    usable(() => mailOrigin(account, '--account'));
    const uidText = parsed.one('--uid');
    const idText = parsed.one('--message-id');
    if ((uidText === undefined) === (idText === undefined)) throw new UsageError('give --uid or --message-id');
    const mailboxText = parsed.one('--mailbox');
    const mailbox = mailboxText === undefined ? {} : { mailbox: usable(() => mailboxName(mailboxText, '--mailbox')) };
    let target;
    if (uidText !== undefined) {
      const uid = /^\d{1,10}$/.test(uidText) ? Number(uidText) : 0;
      if (uid < 1 || uid > 0xffff_ffff) throw new UsageError('--uid must be a whole number from 1 to 4294967295');
      target = { ...mailbox, uid };
    } else {
      const bare = (idText ?? '').trim();
      const messageId = usable(() => messageIdField(bare.startsWith('<') ? bare : `<${bare}>`, '--message-id'));
      target = { ...mailbox, messageId };
    }
    const password = await readPasswordFile(parsed.one('--password-file'), io);
    let fetched;
    try {
      fetched = await mailServiceFromConfig().fetch(account, target, password);
    } catch (error) {
      return mailExitCode(error, 'fetch', io);
    }
    writeOutput(parsed.one('-o'), [fetched.message], io);
    return EXIT_OK;
  },
};
