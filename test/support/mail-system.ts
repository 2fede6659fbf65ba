/**
 * The loopback mail system (Postfix submission, Dovecot IMAP, Roundcube, CiderWebmail) as
 * the tests see it: its fixed addresses and accounts, and the few operations tests need.
 * Everything runs through native-host/tooling/mail-system/mail-system.sh, which owns the
 * configuration; the names here must match the ones at the top of that script (and of
 * ciderwebmail.sh).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../native-host/tooling/mail-system/mail-system.sh', import.meta.url));

export const MAIL_DOMAIN = 'example.test';
export const MAIL_HOST = '127.0.0.1';
export const IMAP_PORT = 143;
export const SUBMISSION_PORT = 587;
export const ROUNDCUBE_PORT = 8025;
export const ROUNDCUBE_URL = `http://${MAIL_HOST}:${ROUNDCUBE_PORT}/`;
/** CiderWebmail, the second webmail (mail-system/ciderwebmail.sh), on the same mailboxes. */
export const CIDERWEBMAIL_PORT = 8026;
export const CIDERWEBMAIL_URL = `http://${MAIL_HOST}:${CIDERWEBMAIL_PORT}/`;
/** STARTTLS is required before LOGIN. */
export const IMAP_URL = `imap://${MAIL_HOST}:${IMAP_PORT}`;
/** STARTTLS is required before AUTH (PLAIN or LOGIN). */
export const SUBMISSION_URL = `smtp://${MAIL_HOST}:${SUBMISSION_PORT}`;
/** Everything the script generates: configuration, certificates, mailboxes, logs. */
export const MAIL_STATE_DIR = process.env['CACHET_MAIL_STATE'] ?? '/var/tmp/cachet-mail';
/** The test CA (PEM) that issued the servers' certificate, for localhost, 127.0.0.1 and mail.example.test. */
export const MAIL_CA_PATH = join(MAIL_STATE_DIR, 'tls', 'ca.crt');

export type MailUser = 'alice' | 'bob' | 'carol';

export interface MailAccount {
  readonly user: MailUser;
  /** The full address, which is also the login everywhere; the bare user name works too. */
  readonly address: string;
  readonly password: string;
}

function account(user: MailUser): MailAccount {
  return { user, address: `${user}@${MAIL_DOMAIN}`, password: `${user}-secret` };
}

export const MAIL_ACCOUNTS: Readonly<Record<MailUser, MailAccount>> = {
  alice: account('alice'),
  bob: account('bob'),
  carol: account('carol'),
};

/**
 * The maildir folder of one of a user's mailboxes, as Dovecot keeps it (Maildir++: INBOX
 * is the root, "Sent" is ".Sent"). Messages are in its new/ and cur/ with CRLF line ends.
 */
export function maildirPath(user: MailUser, mailbox = 'INBOX'): string {
  const root = join(MAIL_STATE_DIR, 'mail', MAIL_DOMAIN, user, 'Maildir');
  return mailbox === 'INBOX' ? root : join(root, `.${mailbox.replaceAll('/', '.')}`);
}

/** Runs a mail-system.sh command and resolves to what it printed on standard output. */
function run(args: readonly string[], input?: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [SCRIPT, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`mail-system.sh ${args.join(' ')} failed (${String(error.code)}):\n${stderr}${stdout}`));
    });
    child.stdin?.end(input === undefined ? undefined : Buffer.from(input));
  });
}

/** Starts whatever is not running and waits until Roundcube answers; safe to call again. */
export async function startMailSystem(): Promise<void> {
  await run(['start']);
}

/**
 * Starts the servers for this test run and returns the call that lets go of them. Runs
 * that overlap (parallel runs on one machine) share the servers; they stop when the last
 * run lets go, and only if a test run started them.
 */
export async function holdMailSystem(): Promise<() => Promise<void>> {
  const holder = String(process.pid);
  await run(['acquire', holder]);
  return async () => {
    await run(['release', holder]);
  };
}

/**
 * Stores a raw message in a user's INBOX exactly as given (it should use CRLF line ends,
 * as Dovecot keeps them) and resolves to the IMAP UID it got.
 */
export async function deliver(user: MailUser, message: Uint8Array): Promise<number> {
  const out = await run(['deliver', user, '-'], message);
  const uid = Number.parseInt(out.trim(), 10);
  if (!Number.isSafeInteger(uid) || uid <= 0) throw new Error(`deliver printed no UID: ${out}`);
  return uid;
}

/** Empties every mailbox and Roundcube's database (which logs every session out). */
export async function resetMailboxes(): Promise<void> {
  await run(['reset']);
}
