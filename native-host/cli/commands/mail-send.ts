/**
 * `cachet send`: submits a message file as it is, byte for byte, through the account's
 * SMTP server and keeps a copy in its Sent mailbox, as the host does for the extension.
 */
import { CachetError } from '../../../src/errors';
import { mailOrigin } from '../../../src/protocol/native-mail-validators';
import { MAX_MAIL_MESSAGE_BYTES } from '../../../src/protocol/native';
import { readMessageAddresses } from '../../mail/message-addresses';
import { EXIT_NOT_GOOD, EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { parseSingleOptions, readInput } from './cli-input';
import { MAIL_CONFIG_NOTE, mailExitCode, mailServiceFromConfig, readPasswordFile, usable } from './mail-cli';

const usage = `usage: cachet send FILE --account ORIGIN [--to ADDRESS]... [--from ADDRESS]
                   [--no-save-sent] [--password-file F]

Sends FILE (a complete message; '-' reads standard input) through the SMTP server of the
mail account set up for ORIGIN (see cachet account set), exactly as it is, and appends a
copy to the account's Sent mailbox (the one the IMAP server marks \\Sent, else "Sent"),
flagged as read.

  --account ORIGIN   the webmail origin the account belongs to, e.g. https://mail.example.org
  --to ADDRESS       a recipient; repeat for more. Default: every address in the message's
                     To, Cc and Bcc fields
  --from ADDRESS     the envelope sender; default: the address in the message's From field
  --no-save-sent     do not keep a copy in Sent
  --password-file F  the account's password on the first line of F ('-': standard input),
                     for this command only; default: the password remembered for ORIGIN

${MAIL_CONFIG_NOTE}

Prints the recipients the server took and those it refused, with its reasons.
Exit status: 0 sent to every recipient (and kept in Sent if asked); 1 a recipient was
refused, the copy in Sent failed, or a server refused or could not be reached; 2 unusable
arguments or file, no account for ORIGIN, or no password known for it.
`;

export const sendMessage: Command = {
  name: 'send',
  summary: 'send a message file through the SMTP server of a mail account',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseSingleOptions(args, ['--account', '--to', '--from', '--password-file'], ['--no-save-sent']);
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
    const account = parsed.one('--account');
    if (account === undefined) throw new UsageError('--account is required');
    usable(() => mailOrigin(account, '--account'));
    const passwordFile = parsed.one('--password-file');
    if (file === '-' && passwordFile === '-') throw new UsageError('only one input can come from standard input');
    const message = await readInput(file, io);
    if (message.length === 0 || message.length > MAX_MAIL_MESSAGE_BYTES) {
      throw new CachetError('input/invalid', `${file} has ${message.length} bytes; a message must have 1 to ${MAX_MAIL_MESSAGE_BYTES}`);
    }
    const fromMessage = readMessageAddresses(message);
    const to = parsed.values.get('--to') ?? [...fromMessage.recipients];
    const from = parsed.one('--from') ?? fromMessage.from;
    if (to.length === 0) throw new UsageError('the message names no recipients; give --to');
    if (from === undefined) throw new UsageError('the message has no single From address; give --from');
    const password = await readPasswordFile(passwordFile, io);
    const saveToSent = !parsed.flags.has('--no-save-sent');
    let result;
    try {
      result = await mailServiceFromConfig().send(account, message, { from, to }, saveToSent, password);
    } catch (error) {
      return mailExitCode(error, 'send', io);
    }
    for (const address of result.accepted) io.stdout.write(`accepted ${address}\n`);
    for (const { address, reason } of result.rejected) io.stdout.write(`refused  ${address}: ${reason}\n`);
    if (result.savedToSent) io.stdout.write('kept a copy in Sent\n');
    if (result.saveToSentError) io.stdout.write(`no copy in Sent: ${result.saveToSentError.code}: ${result.saveToSentError.message}\n`);
    return result.rejected.length > 0 || result.saveToSentError ? EXIT_NOT_GOOD : EXIT_OK;
  },
};
