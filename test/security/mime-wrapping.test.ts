/**
 * MIME wrapping (Müller et al., "Johnny, You Are Fired", USENIX Security 2019): a real
 * signed part, wrapped by an attacker into content of their own, must not lend its
 * signature to the message. A signature counts only as a layer of the message body; one
 * found inside other content is reported as unchecked, and `cachet open --json` lists
 * exactly which parts each signature covers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reader } from '../../background/reader/reader';
import { makeTestPki, openssl, type TestPki } from '../cms/support/openssl-pki';
import { readerTrusting } from '../support/background-reader';
import { runCachet } from '../support/run-cachet';

let pki: TestPki;
let reader: Reader;
const boundary = 'wrapping-boundary';

/** An entity signed by rsa@example.org with OpenSSL, as a part (no MIME-Version line). */
function signedPart(text: string): string {
  const leaf = pki.leaves.rsa;
  const input = join(pki.dir, 'inner.txt');
  writeFileSync(input, `Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);
  const signed = openssl(['cms', '-sign', '-in', input, '-signer', leaf.certPath, '-inkey', leaf.keyPath,
    '-certfile', pki.intermediatePath, '-md', 'sha256', '-crlfeol']).toString('latin1');
  return signed.replace(/^MIME-Version: 1\.0\r\n/, '');
}

function writeMessage(name: string, entity: string): string {
  const file = join(pki.dir, `${name}.eml`);
  const headers = ['From: rsa@example.org', 'To: bob@example.org', `Date: ${new Date().toUTCString()}`, 'Subject: Invoice', 'MIME-Version: 1.0'];
  writeFileSync(file, `${headers.join('\r\n')}\r\n${entity}`, 'latin1');
  return file;
}

function mixed(...parts: string[]): string {
  return `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;
}

const attackerText = 'Content-Type: text/plain; charset=utf-8\r\n\r\nNew bank details: pay to account 666.';

interface OpenJson {
  signed: boolean;
  signatureGood: boolean;
  text: string;
  layers: { kind: string; covers?: { path: string; mediaType: string }[]; signers: { status: string }[] }[];
  uncheckedParts: { path: string; smimeKind: string }[];
}

async function open(file: string): Promise<OpenJson> {
  const run = await runCachet(['open', '--trust', pki.rootPath, '--offline', '--json', file]);
  expect(run.code, run.err).toBe(0);
  return JSON.parse(run.out) as OpenJson;
}

beforeAll(async () => {
  pki = makeTestPki();
  reader = await readerTrusting(pki.rootPath);
}, 60_000);
afterAll(() => pki.remove());

describe('MIME wrapping', () => {
  it('a signed part beside the attacker\'s text earns the message no signature', async () => {
    const file = writeMessage('beside', mixed(attackerText, signedPart('Pay the invoice today.')));
    const json = await open(file);
    expect(json).toMatchObject({ signed: false, signatureGood: false, layers: [], uncheckedParts: [{ path: '2', smimeKind: 'multipart-signed' }] });
    // verify finds no signature of the message at all: exit 2, not 0.
    expect((await runCachet(['verify', '--trust', pki.rootPath, '--offline', file])).code).toBe(2);
    const view = await reader.open(new Uint8Array(readFileSync(file)), 'extension');
    expect(view.signers).toEqual([]);
    expect(view.notices.join('\n')).toContain('part 2 is signed inside the message rather than being the message');
  });

  it('a signed part placed first, so its text is the one shown, still earns nothing and is marked', async () => {
    const file = writeMessage('first', mixed(signedPart('Pay the invoice today.'), attackerText));
    const json = await open(file);
    expect(json.signed).toBe(false);
    expect(json.text).toContain('Pay the invoice today.');
    expect(json.uncheckedParts).toEqual([{ path: '1', smimeKind: 'multipart-signed' }]);
    const view = await reader.open(new Uint8Array(readFileSync(file)), 'extension');
    expect(view.signers).toEqual([]);
    expect(view.notices.join('\n')).toContain('part 1 is signed inside the message');
  });

  it('a forwarded signed message is an attachment: no verdict and no notice', async () => {
    const forwarded = `Content-Type: message/rfc822\r\n\r\nFrom: rsa@example.org\r\nSubject: old\r\nMIME-Version: 1.0\r\n${signedPart('An old signed note.')}`;
    const file = writeMessage('forwarded', mixed(attackerText, forwarded));
    const json = await open(file);
    expect(json).toMatchObject({ signed: false, layers: [], uncheckedParts: [] });
    const view = await reader.open(new Uint8Array(readFileSync(file)), 'extension');
    expect(view.signers).toEqual([]);
    expect(view.attachments.map((a) => a.mediaType)).toEqual(['message/rfc822']);
  });

  it('a signature of the whole body covers every part of it, and says which', async () => {
    const leaf = pki.leaves.rsa;
    const body = join(pki.dir, 'outer.txt');
    writeFileSync(body, mixed('Content-Type: text/plain\r\n\r\nCovered text.', 'Content-Type: application/pdf; name="a.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=').replace(/\r\n/g, '\n'));
    const signed = openssl(['cms', '-sign', '-in', body, '-signer', leaf.certPath, '-inkey', leaf.keyPath, '-certfile', pki.intermediatePath, '-md', 'sha256', '-crlfeol']).toString('latin1');
    const file = writeMessage('whole', signed.replace(/^MIME-Version: 1\.0\r\n/, ''));
    const json = await open(file);
    expect(json.signatureGood).toBe(true);
    expect(json.layers[0]?.covers).toEqual([{ path: '1', mediaType: 'text/plain' }, { path: '2', mediaType: 'application/pdf', fileName: 'a.pdf' }]);
    expect(json.uncheckedParts).toEqual([]);
  });

  it('a signed part inside the signed body is content of that body: only the outer signature counts', async () => {
    const leaf = pki.leaves['ec-p256'];
    const body = join(pki.dir, 'nested.txt');
    writeFileSync(body, mixed('Content-Type: text/plain\r\n\r\nOuter text.', signedPart('Inner text.')));
    const signed = openssl(['cms', '-sign', '-in', body, '-signer', leaf.certPath, '-inkey', leaf.keyPath, '-certfile', pki.intermediatePath, '-md', 'sha256', '-binary']).toString('latin1');
    const file = join(pki.dir, 'nested.eml');
    writeFileSync(file, `From: ec-p256@example.org\r\nTo: bob@example.org\r\nDate: ${new Date().toUTCString()}\r\nSubject: nested\r\n${signed}`, 'latin1');
    const json = await open(file);
    expect(json.layers).toHaveLength(1);
    expect(json.layers[0]?.signers.map((s) => s.status)).toEqual(['good']);
    expect(json.uncheckedParts).toEqual([{ path: '2', smimeKind: 'multipart-signed' }]);
    const view = await reader.open(new Uint8Array(readFileSync(file)), 'extension');
    expect(view.signers.map((s) => s.addresses)).toEqual([['ec-p256@example.org']]);
    expect(view.notices.join('\n')).toContain('part 2 is signed inside the message');
  });
});
