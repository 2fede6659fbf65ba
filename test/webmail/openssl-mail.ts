/**
 * S/MIME messages made by OpenSSL, a peer nobody here wrote: what another mail client
 * would send to the demo users.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_P12_PASSWORD, type DemoUser } from '../../native-host/tooling/demo/demo-pki';

/** Room for the largest message Cachet sends, a layer at a time (execFileSync keeps 1 MiB by default). */
const maxBuffer = 128 * 1024 * 1024;

function keyPem(user: DemoUser, dir: string): string {
  const file = path.join(dir, `${user.id}.key.pem`);
  execFileSync('openssl', ['pkcs12', '-in', user.p12File, '-passin', `pass:${DEMO_P12_PASSWORD}`, '-nocerts', '-nodes', '-out', file]);
  return file;
}

export interface PlainMessage {
  readonly subject: string;
  readonly text: string;
  readonly attachment?: { readonly fileName: string; readonly content: string };
}

/** The MIME entity to protect, CRLF line ends, the attachment base64 with a UTF-8 name (RFC 2231). */
export function mimeEntity(message: PlainMessage): string {
  const text = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${message.text.replace(/\r?\n/g, '\r\n')}\r\n`;
  if (!message.attachment) return text;
  const name = encodeURIComponent(message.attachment.fileName);
  const body = Buffer.from(message.attachment.content).toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', text.trimEnd(), '--b1',
    `Content-Type: text/plain; charset=utf-8; name*=utf-8''${name}`,
    `Content-Disposition: attachment; filename*=utf-8''${name}`,
    'Content-Transfer-Encoding: base64', '', body, '--b1--', '',
  ].join('\r\n');
}

/** Signed by `from` (clear-signed) and encrypted to `to`, with the RFC 5322 header fields. */
export function signedAndEncrypted(from: DemoUser, to: DemoUser, message: PlainMessage): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-openssl-mail-'));
  const entity = path.join(dir, 'entity.mime');
  writeFileSync(entity, mimeEntity(message));
  const signed = path.join(dir, 'signed.mime');
  execFileSync('openssl', ['cms', '-sign', '-binary', '-in', entity, '-signer', from.certificate.pemFile, '-inkey', keyPem(from, dir), '-out', signed]);
  return execFileSync('openssl', [
    'cms', '-encrypt', '-aes256', '-in', signed, '-from', `${from.name} <${from.address}>`, '-to', to.address, '-subject', message.subject,
    to.certificate.pemFile,
  ]);
}

/** Clear-signed only; `-binary` keeps the entity's CRLF octets exactly as signed. */
export function clearSigned(from: DemoUser, to: DemoUser, message: PlainMessage): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-openssl-mail-'));
  const entity = path.join(dir, 'entity.mime');
  writeFileSync(entity, mimeEntity(message));
  return execFileSync('openssl', [
    'cms', '-sign', '-binary', '-in', entity, '-signer', from.certificate.pemFile, '-inkey', keyPem(from, dir),
    '-from', `${from.name} <${from.address}>`, '-to', to.address, '-subject', message.subject,
  ]);
}

/** The top-level Content-Type of a MIME entity, lowercased, parameters included. */
function contentType(entity: Buffer): string {
  const head = entity.subarray(0, Math.max(0, entity.indexOf('\r\n\r\n')) || entity.length).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
  return /^content-type:\s*(.*)$/im.exec(head)?.[1]?.toLowerCase() ?? 'text/plain';
}

/**
 * What OpenSSL makes of a message Cachet sent to `to`, layer by layer as a mail client
 * reads it (B17): each signature verified against the demo CA, each encryption undone with
 * their key. Throws when any step fails; returns the innermost entity and the layers seen.
 */
export function opensslDecryptAndVerify(to: DemoUser, caPemFile: string, messageFile: string): { entity: string; layers: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-openssl-check-'));
  const key = keyPem(to, dir);
  let current = readFileSync(messageFile);
  const layers: string[] = [];
  for (let step = 0; step < 8; step++) {
    const type = contentType(current);
    const input = path.join(dir, `layer${step}.mime`);
    writeFileSync(input, current);
    if (type.startsWith('multipart/signed') || (/pkcs7-mime/.test(type) && /signed-data/.test(type))) {
      current = execFileSync('openssl', ['cms', '-verify', '-in', input, '-CAfile', caPemFile, '-purpose', 'smimesign'], { stdio: ['pipe', 'pipe', 'pipe'], maxBuffer });
      layers.push('signed');
    } else if (/pkcs7-mime/.test(type) && /enveloped-data|authenveloped-data/.test(type)) {
      current = execFileSync('openssl', ['cms', '-decrypt', '-in', input, '-recip', to.certificate.pemFile, '-inkey', key], { stdio: ['pipe', 'pipe', 'pipe'], maxBuffer });
      layers.push('enveloped');
    } else {
      return { entity: current.toString('utf8'), layers };
    }
  }
  throw new Error('more layers than any message should have');
}
