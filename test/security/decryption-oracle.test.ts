/**
 * Decryption oracles (Müller et al., "Re: What's Up Johnny?", 2019): Mallory has captured a
 * ciphertext Alice sent to Bob. He puts it into a message of his own (an smime.p7m beside
 * his text, an attached message, content he signed) and sends it to Bob. If Bob's reader
 * decrypts it, Bob's reply quoting it carries Alice's secret back to Mallory. Only the body
 * chain of a message is opened (src/cms/read-message.ts); any other encrypted part stays an
 * attachment: the reader, `cachet open` and the quote of a reply never ask the key for it,
 * and no plaintext of it reaches what they show or quote.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteOriginal } from '../../background/compose/original-quote';
import type { Reader } from '../../background/reader/reader';
import type { KeyOperator } from '../../src/cms/key-operator';
import { shownText } from '../../src/html/shown-text';
import { makeTestPki, openssl, type TestPki } from '../cms/support/openssl-pki';
import { readerTrusting } from '../support/background-reader';
import { runCachet } from '../support/run-cachet';

const SECRET = 'ORCHID-7419';
const secretEntity = `Content-Type: text/plain; charset=utf-8\r\n\r\nThe vault code is ${SECRET}.\r\n`;

let pki: TestPki;
/** Alice's message to Bob (rsa@example.org) as the entity openssl wrote: what Mallory captured. */
let captured: string;

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const withoutMimeVersion = (entity: string): string => entity.replace(/^MIME-Version: 1\.0\r\n/im, '');

function encryptedEntity(plain: string, name: string): string {
  const input = join(pki.dir, `${name}.txt`);
  writeFileSync(input, plain);
  return withoutMimeVersion(crlf(openssl(['cms', '-encrypt', '-aes-256-cbc', '-in', input, pki.leaves.rsa.certPath]).toString('latin1')));
}

/** `entity` signed by Mallory (the P-256 leaf of the test PKI), clear or opaque. */
function signedByMallory(entity: string, name: string, opaque = false): string {
  const input = join(pki.dir, `${name}.txt`);
  writeFileSync(input, entity);
  const mallory = pki.leaves['ec-p256'];
  const args = ['cms', '-sign', '-in', input, '-signer', mallory.certPath, '-inkey', mallory.keyPath, '-md', 'sha256', '-binary'];
  return withoutMimeVersion(crlf(openssl(opaque ? [...args, '-nodetach'] : args).toString('latin1')));
}

function multipart(subtype: string, ...parts: string[]): string {
  const boundary = `oracle-${subtype}-${parts.length}`;
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"\r\n\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`;
}

const mallorysText = 'Content-Type: text/plain; charset=utf-8\r\n\r\nHi Bob, could you have a look at the attached and tell me what you think?';

function message(entity: string): Uint8Array {
  const headers = ['From: Mallory <mallory@evil.example>', 'To: rsa@example.org', `Date: ${new Date().toUTCString()}`, 'Subject: Quick question', 'Message-ID: <q1@evil.example>', 'MIME-Version: 1.0'];
  return new Uint8Array(Buffer.from(`${headers.join('\r\n')}\r\n${entity}`, 'latin1'));
}

/** Bob's key, counting every use: a property read is the pipeline reaching for it. */
function countedKey(key: KeyOperator): { operator: KeyOperator; touched: () => number; decryptions: () => number } {
  let touched = 0;
  let decryptions = 0;
  const operator = new Proxy(key, {
    get(target, property, receiver) {
      touched++;
      if (property === 'decryptKey' || property === 'deriveSharedSecret') decryptions++;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { operator, touched: () => touched, decryptions: () => decryptions };
}

async function bobsReader(): Promise<{ reader: Reader; touched: () => number; decryptions: () => number }> {
  const key = countedKey(pki.leaves.rsa.operator);
  return { reader: await readerTrusting(pki.rootPath, [key.operator]), touched: key.touched, decryptions: key.decryptions };
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(pki.dir, `${name}.eml`);
  writeFileSync(path, bytes);
  return path;
}

interface OpenJson {
  encrypted: boolean;
  text: string;
  layers: { kind: string; reason?: string }[];
}

beforeAll(() => {
  pki = makeTestPki();
  captured = encryptedEntity(secretEntity, 'alice-to-bob');
}, 60_000);
afterAll(() => pki.remove());

/** Mallory's messages, each holding Alice's ciphertext somewhere other than the body root. */
const nested: Readonly<Record<string, () => string>> = {
  'an smime.p7m beside text in multipart/mixed': () => multipart('mixed', mallorysText, captured),
  'an smime.p7m as an alternative of multipart/alternative': () => multipart('alternative', mallorysText, captured),
  'an encrypted message attached as message/rfc822': () => multipart('mixed', mallorysText,
    `Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="fwd.eml"\r\n\r\nFrom: alice@example.org\r\nTo: rsa@example.org\r\nSubject: Vault\r\nMIME-Version: 1.0\r\n${captured}`),
  'an smime.p7m inside content Mallory signed': () => signedByMallory(multipart('mixed', mallorysText, captured), 'signed-mixed'),
  'an smime.p7m inside content Mallory signed opaquely': () => signedByMallory(multipart('mixed', mallorysText, captured), 'opaque-mixed', true),
  'an smime.p7m two levels down in nested multiparts': () => multipart('mixed', mallorysText, multipart('related', mallorysText, captured)),
};

describe('the ciphertext itself', () => {
  it('opens as the body root of a message: the key works and the secret is there to leak', async () => {
    const bob = await bobsReader();
    const view = await bob.reader.open(message(captured), 'extension');
    expect(bob.decryptions()).toBe(1);
    expect(view.encrypted).toBe(true);
    expect(view.text).toContain(SECRET);
    const path = file('root', message(captured));
    const opened = await runCachet(['open', '--key', pki.leaves.rsa.keyPath, '--cert', pki.leaves.rsa.certPath, '--json', path]);
    expect((JSON.parse(opened.out) as OpenJson).text).toContain(SECRET);
    // Without a key an encrypted body cannot be read: the command would have needed one.
    expect((await runCachet(['open', '--json', path])).code).toBe(2);
  });
});

describe('an encrypted part that is not the body root is never decrypted', () => {
  for (const [shape, build] of Object.entries(nested)) {
    it(`${shape}: the reader never reaches for the key, and shows it as an attachment`, async () => {
      const bob = await bobsReader();
      const view = await bob.reader.open(message(build()), 'extension');
      expect(bob.touched()).toBe(0);
      expect(view.encrypted).toBe(false);
      expect(JSON.stringify(view)).not.toContain(SECRET);
      expect(view.text).toContain('could you have a look');
      expect(view.attachments.length).toBeGreaterThan(0);
    });

    it(`${shape}: cachet open neither unlocks a key nor prints the plaintext`, async () => {
      const path = file(shape.replace(/\W+/g, '-'), message(build()));
      const keyed = await runCachet(['open', '--key', pki.leaves.rsa.keyPath, '--cert', pki.leaves.rsa.certPath, '--json', path]);
      expect(keyed.code, keyed.err).toBe(0);
      const json = JSON.parse(keyed.out) as OpenJson;
      expect(json.encrypted).toBe(false);
      expect(json.layers.some((l) => l.kind === 'encrypted')).toBe(false);
      expect(keyed.out + keyed.err).not.toContain(SECRET);
      const plain = await runCachet(['open', '--key', pki.leaves.rsa.keyPath, '--cert', pki.leaves.rsa.certPath, path]);
      expect(plain.code, plain.err).toBe(0);
      expect(plain.out + plain.err).not.toContain(SECRET);
      // Asked for a key, the command would fail without one (see above); it does not ask.
      expect((await runCachet(['open', '--json', path])).code).toBe(0);
    });

    it(`${shape}: a reply quotes Mallory's text and no plaintext of the ciphertext`, async () => {
      const bob = await bobsReader();
      const quote = await quoteOriginal(message(build()), bob.reader);
      expect(bob.touched()).toBe(0);
      expect(quote.text).toContain('could you have a look');
      expect(quote.text).not.toContain(SECRET);
    });
  }

  it('encryption inside a signature Mallory made inside an encryption to Bob: the outer layer opens, the captured one does not', async () => {
    const wrapped = encryptedEntity(signedByMallory(captured, 'signed-ciphertext'), 'mallory-to-bob');
    const bob = await bobsReader();
    const view = await bob.reader.open(message(wrapped), 'extension');
    expect(bob.decryptions()).toBe(1);
    expect(view.encrypted).toBe(true);
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(view.notices.join('\n')).toMatch(/encryption inside a signature is not opened/);

    const path = file('signed-ciphertext', message(wrapped));
    const opened = await runCachet(['open', '--key', pki.leaves.rsa.keyPath, '--cert', pki.leaves.rsa.certPath, '--json', path]);
    expect(opened.code, opened.err).toBe(0);
    expect(opened.out).not.toContain(SECRET);
    expect((JSON.parse(opened.out) as OpenJson).layers.map((l) => l.kind)).toEqual(['encrypted', 'multipart-signed', 'not-opened']);

    const quoting = await bobsReader();
    const quote = await quoteOriginal(message(wrapped), quoting.reader);
    expect(quoting.decryptions()).toBe(1);
    expect(quote.text).not.toContain(SECRET);
  });
});

describe('a reply to a message whose body root was decrypted quotes only what the reader showed', () => {
  // Mallory's own encrypted message to Bob: the plain-text alternative, the attachment and
  // the HTML the reader shows all say different things.
  const html = '<p>Shown to Bob: <b>lunch on Friday?</b></p><script>document.write("SCRIPTED")</script><form action="http://evil.example/"><input value="FORMVALUE"></form>';
  const body = () => multipart('mixed',
    multipart('alternative',
      'Content-Type: text/plain; charset=utf-8\r\n\r\nPLAINALTERNATIVE: please confirm the transfer.',
      `Content-Type: text/html; charset=utf-8\r\n\r\n${html}`),
    'Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\nFrom: a@example.org\r\nSubject: x\r\n\r\nATTACHEDTEXT',
    captured);

  it('the HTML the reader shows, as its text: not the plain-text alternative, attachments, scripts or form values', async () => {
    const source = message(encryptedEntity(body(), 'reply-root'));
    const bob = await bobsReader();
    const view = await bob.reader.open(source.slice(), 'extension');
    expect(view.html).toContain('lunch on Friday?');
    const quoting = await bobsReader();
    const quote = await quoteOriginal(source, quoting.reader);
    // The body root is decrypted once; Alice's ciphertext inside it is not.
    expect(quoting.decryptions()).toBe(1);
    expect(quote.text).toBe(shownText(view.html ?? ''));
    expect(quote.text).toContain('Shown to Bob: lunch on Friday?');
    for (const unseen of ['PLAINALTERNATIVE', 'ATTACHEDTEXT', 'SCRIPTED', 'FORMVALUE', 'evil.example', SECRET]) expect(quote.text).not.toContain(unseen);
    expect(quote.messageId).toBe('<q1@evil.example>');
  });

  it('a plain-text message is quoted as the reader shows it', async () => {
    const bob = await bobsReader();
    const quote = await quoteOriginal(message(encryptedEntity(mallorysText, 'plain-root')), bob.reader);
    expect(quote.text).toBe('Hi Bob, could you have a look at the attached and tell me what you think?');
  });
});
