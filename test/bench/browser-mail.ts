/**
 * The messages `npm run bench browser` reads and sends, and the work outside the browser
 * they are measured against: `openssl cms` reading or making the same triple wrap (whole
 * processes, as in cli.bench.ts) and the SMTP transfer of the protected message alone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, webcrypto } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTransport } from 'nodemailer';
import { buildMessage } from '../../src/mime';
import { DEMO_P12_PASSWORD, type DemoPki, type DemoUser } from '../../native-host/tooling/demo/demo-pki';
import { MAIL_ACCOUNTS, MAIL_CA_PATH, MAIL_HOST, maildirPath, SUBMISSION_PORT, type MailUser } from '../support/mail-system';
import { newMessages } from '../webmail/roundcube-session';
import { END_MARKER } from './browser-probes';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cachetBin = path.join(root, 'dist/native-host/cachet.mjs');

/** About 70 characters of prose per line, so a text body reads like mail. */
const LINE = 'The figures for the third quarter are in the table below, as agreed.';

/** A text of about `bytes` octets that ends with END_MARKER. */
export function benchText(bytes: number): string {
  const lines: string[] = ['Hello Bob,', ''];
  let length = 0;
  for (let n = 1; length < bytes - 200; n++) {
    const line = `${String(n).padStart(5, '0')} ${LINE}`;
    lines.push(line);
    length += line.length + 2;
  }
  lines.push('', END_MARKER);
  return lines.join('\n');
}

/**
 * A plain message from Alice to Bob of about `bytes` octets: all text, as a long mail is,
 * or a short text and an attachment of random octets, as a large one is.
 */
export function plainMessage(pki: DemoPki, subject: string, bytes: number, shape: 'text' | 'attachment'): Uint8Array {
  const { alice, bob } = pki.users;
  const text = shape === 'attachment' ? benchText(2_000) : benchText(bytes);
  // base64 spends 78 octets (76 characters and CRLF) on 57 input octets.
  const attachment = shape === 'attachment' ? new Uint8Array(randomBytes(Math.max(1, Math.floor(((bytes - 3_000) * 57) / 78)))) : undefined;
  return buildMessage(
    attachment
      ? { kind: 'multipart', subtype: 'mixed', parts: [{ kind: 'text', subtype: 'plain', text }, { kind: 'attachment', content: attachment, filename: 'figures.bin' }] }
      : { kind: 'text', subtype: 'plain', text },
    { from: { name: alice.name, address: alice.address }, to: [{ name: bob.name, address: bob.address }], subject },
    { random: (array) => webcrypto.getRandomValues(array) },
  );
}

/** Signs, encrypts to Bob and signs again (the triple wrap secure compose sends), with `cachet protect`. */
export function tripleWrap(pki: DemoPki, plainFile: string, out: string): void {
  const { alice, bob } = pki.users;
  execFileSync(process.execPath, [
    cachetBin, 'protect', '--sign', '--encrypt', '--to', bob.certificate.pemFile, '--p12', alice.p12File, '--pass', DEMO_P12_PASSWORD, '-o', out, plainFile,
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The plain message whose triple wrap is about `bytes` octets, written to `plainFile` and
 * wrapped into `wrappedFile`: sized once by the usual growth, then once more by what the
 * first wrap really gave. Up to 1 MiB the message is text, above it mostly attachment.
 */
export function wrappedMessage(pki: DemoPki, subject: string, bytes: number, plainFile: string, wrappedFile: string): void {
  let plainBytes = Math.round(bytes / 1.4);
  for (let round = 0; round < 2; round++) {
    writeFileSync(plainFile, plainMessage(pki, subject, plainBytes, bytes > 1024 * 1024 ? 'attachment' : 'text'));
    tripleWrap(pki, plainFile, wrappedFile);
    plainBytes = Math.round(plainBytes * (bytes / statSync(wrappedFile).size));
  }
}

/** One process's wall time in ms; throws with its error output when it fails. */
function timed(command: string, args: readonly string[]): number {
  const start = performance.now();
  const child = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (child.status !== 0) throw new Error(`${command} ${args.slice(0, 2).join(' ')} failed: ${child.stderr}`);
  return ms;
}

export interface OpensslUser {
  readonly certificate: string;
  readonly key: string;
}

/** A demo user's certificate and unencrypted key as PEM files, for `openssl cms`. */
export function opensslUser(user: DemoUser, dir: string): OpensslUser {
  const key = path.join(dir, `${user.id}.key.pem`);
  execFileSync('openssl', ['pkcs12', '-in', user.p12File, '-passin', `pass:${DEMO_P12_PASSWORD}`, '-nocerts', '-nodes', '-out', key]);
  return { certificate: user.certificate.pemFile, key };
}

/**
 * `openssl cms` reading a triple-wrapped message as a mail client does: the outer
 * signature verified, the envelope decrypted, the inner signature verified; the sum of
 * the three processes' times. Text mode for verify: OpenSSL 3.0 reading CRLF
 * multipart/signed in binary mode reports good signatures as bad (cli.bench.ts).
 */
export function opensslRead(reader: OpensslUser, caFile: string, file: string, dir: string): number {
  const [outer, envelope, inner] = ['outer', 'envelope', 'inner'].map((step) => path.join(dir, `read-${step}.mime`)) as [string, string, string];
  return timed('openssl', ['cms', '-verify', '-CAfile', caFile, '-in', file, '-out', outer]) +
    timed('openssl', ['cms', '-decrypt', '-binary', '-recip', reader.certificate, '-inkey', reader.key, '-in', outer, '-out', envelope]) +
    timed('openssl', ['cms', '-verify', '-CAfile', caFile, '-in', envelope, '-out', inner]);
}

/** `openssl cms` making the triple wrap of `file` (sign, encrypt, sign): the sum of the three processes' times. */
export function opensslTripleWrap(signer: OpensslUser, recipient: OpensslUser, file: string, dir: string): number {
  const sign = (input: string, output: string): number =>
    timed('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-signer', signer.certificate, '-inkey', signer.key, '-crlfeol', '-in', input, '-out', output]);
  const [signed, encrypted, wrapped] = ['signed', 'encrypted', 'wrapped'].map((step) => path.join(dir, `wrap-${step}.mime`)) as [string, string, string];
  return sign(file, signed) +
    timed('openssl', ['cms', '-encrypt', '-binary', '-aes256', '-crlfeol', '-in', signed, '-out', encrypted, recipient.certificate, signer.certificate]) +
    sign(encrypted, wrapped);
}

/**
 * The SMTP transfer alone: `message` submitted as Alice to `to` on the loopback Postfix,
 * connection, STARTTLS and login included, as the native host does for each send; ms from
 * the start to the server's acceptance (`accepted`), and to the delivered file's time in
 * `to`'s mailbox (`delivered`), the moment the Cachet runs are timed to.
 */
export async function smtpTransfer(message: Uint8Array, to: MailUser): Promise<{ accepted: number; delivered: number }> {
  const alice = MAIL_ACCOUNTS.alice;
  const inbox = maildirPath(to);
  const before = new Set(newMessages(inbox, new Set()));
  const wallStart = Date.now();
  const start = performance.now();
  const transport = createTransport({
    host: MAIL_HOST, port: SUBMISSION_PORT, secure: false, requireTLS: true,
    auth: { user: alice.address, pass: alice.password },
    tls: { ca: readFileSync(MAIL_CA_PATH) },
  });
  try {
    await transport.sendMail({ envelope: { from: alice.address, to: [MAIL_ACCOUNTS[to].address] }, raw: Buffer.from(message) });
  } finally {
    transport.close();
  }
  const accepted = performance.now() - start;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
    const [delivered] = newMessages(inbox, before);
    if (delivered !== undefined) return { accepted, delivered: statSync(delivered).mtimeMs - wallStart };
  }
  throw new Error(`the message to ${to} was not delivered within 120 s`);
}
