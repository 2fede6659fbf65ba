/**
 * Identity attacks on signed mail (Müller et al., "Johnny, You Are Fired", USENIX Security
 * 2019): a message signed by rsa@example.org, with header fields (outside the signature, so
 * anyone can change them) made to pass it off. A signer is the sender only when the message
 * names exactly one author in one From field; the Sender never counts; a display name that
 * looks like an address is a name. Each form goes through `cachet verify`, `cachet open`
 * and the background reader.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reader } from '../../background/reader/reader';
import { authorOfFrom } from '../../src/smime/message-author';
import { bannerVerdict } from '../../src/ui/pages/reader/signer-banner';
import { makeTestPki, openssl, type TestPki } from '../cms/support/openssl-pki';
import { readerTrusting } from '../support/background-reader';
import { runCachet } from '../support/run-cachet';

let pki: TestPki;
let signedBody: string;
let reader: Reader;

beforeAll(async () => {
  pki = makeTestPki();
  const leaf = pki.leaves.rsa;
  writeFileSync(join(pki.dir, 'body.txt'), 'Content-Type: text/plain; charset=utf-8\r\n\r\nPay the invoice today.\r\n');
  // openssl writes MIME-Version and the multipart/signed Content-Type; the rest is ours.
  signedBody = openssl(['cms', '-sign', '-in', join(pki.dir, 'body.txt'), '-signer', leaf.certPath, '-inkey', leaf.keyPath,
    '-certfile', pki.intermediatePath, '-md', 'sha256', '-crlfeol']).toString('latin1');
  reader = await readerTrusting(pki.rootPath);
}, 60_000);
afterAll(() => pki.remove());

function message(name: string, headers: readonly string[]): string {
  const file = join(pki.dir, `${name}.eml`);
  const fields = [...headers, `Date: ${new Date().toUTCString()}`, 'Subject: Invoice', 'To: bob@example.org'];
  writeFileSync(file, `${fields.join('\r\n')}\r\n${signedBody}`, 'latin1');
  return file;
}

interface Outcome {
  readonly verify: string;
  readonly verifyExit: number;
  readonly verifyRequiringMatchExit: number;
  readonly open: string;
  readonly reader: string;
}

async function judge(file: string): Promise<Outcome> {
  const verify = await runCachet(['verify', '--trust', pki.rootPath, '--offline', '--json', file]);
  const strict = await runCachet(['verify', '--trust', pki.rootPath, '--offline', '--require-from-match', file]);
  const open = await runCachet(['open', '--trust', pki.rootPath, '--offline', '--json', file]);
  const view = await reader.open(new Uint8Array(readFileSync(file)), 'extension');
  const [validation] = await reader.validation(view.sessionId, 'extension');
  const [signer] = view.signers;
  if (!signer) throw new Error('the reader shows no signer');
  type Json = { layers: { signers: { status: string }[] }[] };
  return {
    verify: (JSON.parse(verify.out) as Json).layers[0]?.signers[0]?.status ?? '',
    verifyExit: verify.code,
    verifyRequiringMatchExit: strict.code,
    open: (JSON.parse(open.out) as Json).layers[0]?.signers[0]?.status ?? '',
    reader: bannerVerdict(signer, validation).status,
  };
}

const good: Outcome = { verify: 'good', verifyExit: 0, verifyRequiringMatchExit: 0, open: 'good', reader: 'good' };
// The signature and certificate are sound, so plain verify still exits 0; the signer is
// never called the sender, and --require-from-match refuses it.
const notTheSender: Outcome = { verify: 'from-mismatch', verifyExit: 0, verifyRequiringMatchExit: 1, open: 'from-mismatch', reader: 'from-mismatch' };

describe('identity binding', () => {
  it('the one From mailbox is the signer: good everywhere', async () => {
    expect(await judge(message('plain', ['From: Signer <rsa@example.org>']))).toEqual(good);
    // A comment is not part of the address (RFC 5322 §3.2.2).
    expect(await judge(message('comment', ['From: rsa@example.org (the signer)']))).toEqual(good);
  });

  it('a From field with a second mailbox never matches', async () => {
    expect(await judge(message('two-mailboxes', ['From: rsa@example.org, mallory@evil.example']))).toEqual(notTheSender);
    expect(await judge(message('two-mailboxes-reversed', ['From: "Mallory" <mallory@evil.example>, <rsa@example.org>']))).toEqual(notTheSender);
  });

  it('a second From field never matches', async () => {
    expect(await judge(message('two-fields', ['From: rsa@example.org', 'From: mallory@evil.example']))).toEqual(notTheSender);
    expect(await judge(message('two-fields-same', ['From: rsa@example.org', 'From: rsa@example.org']))).toEqual(notTheSender);
  });

  it('a group never matches', async () => {
    expect(await judge(message('group', ['From: Signers: rsa@example.org;']))).toEqual(notTheSender);
  });

  it('the Sender never counts, with or without a From', async () => {
    expect(await judge(message('sender-only', ['Sender: rsa@example.org']))).toEqual(notTheSender);
    expect(await judge(message('sender-and-from', ['From: mallory@evil.example', 'Sender: rsa@example.org']))).toEqual(notTheSender);
  });

  it('a display name that looks like the signer\'s address is a name: the real address is shown beside it', async () => {
    const file = message('name-is-address', ['From: "rsa@example.org" <mallory@evil.example>']);
    expect(await judge(file)).toEqual(notTheSender);
    const view = await reader.open(new Uint8Array(readFileSync(file)), 'extension');
    expect(view.author).toEqual({ address: 'mallory@evil.example', name: 'rsa@example.org', nameHoldsOtherAddress: true });
    // The same in an encoded word (RFC 2047), which a page would decode into the same text.
    expect(authorOfFrom('=?utf-8?q?rsa=40example=2Eorg?= <mallory@evil.example>')).toMatchObject({ name: 'rsa@example.org', nameHoldsOtherAddress: true });
  });

  it('names why there is no single author', () => {
    expect(authorOfFrom('a@example.org, b@example.org')).toMatchObject({ kind: 'ambiguous', problem: 'the From field names 2 senders' });
    expect(authorOfFrom('')).toMatchObject({ kind: 'none' });
    expect(authorOfFrom('Team: a@example.org, b@example.org;')).toMatchObject({ kind: 'ambiguous' });
    expect(authorOfFrom('no address here')).toMatchObject({ kind: 'ambiguous' });
    expect(authorOfFrom('"Doe, Jane" <jane@example.org>')).toEqual({ kind: 'mailbox', address: 'jane@example.org', name: 'Doe, Jane', nameHoldsOtherAddress: false });
  });
});
