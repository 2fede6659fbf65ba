import { webcrypto } from 'node:crypto';

import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { isCachetError, type ErrorCode } from '../../src/errors';
import { buildEntity } from '../../src/mime/build-entity';
import { buildMessage, type MessageHeaders } from '../../src/mime/build-message';
import type { MimeNode, RandomSource } from '../../src/mime/build-types';
import { parseMessage } from '../../src/mime/parse';
import { bodyBytes, headerValue } from '../../src/mime/part-access';
import { checkFieldLines, decodeEncodedWords, decodeParameters } from './header-decoding';

const random: RandomSource = (bytes) => webcrypto.getRandomValues(bytes);

/** Deterministic randomness: 0, 1, 2, … across calls. */
function counter(): RandomSource {
  let next = 0;
  return (bytes) => {
    for (let i = 0; i < bytes.length; i++) bytes[i] = next++ & 0xff;
    return bytes;
  };
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const headers: MessageHeaders = {
  from: { name: 'Alice Example', address: 'alice@example.com' },
  to: [{ address: 'bob@example.org' }],
  subject: 'Test',
  date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  messageId: '<id-1@example.com>',
};
const plain = (text: string, extra: Partial<MimeNode> = {}): MimeNode => ({ kind: 'text', subtype: 'plain', text, ...extra }) as MimeNode;

function expectError(code: ErrorCode, action: () => unknown): void {
  try {
    action();
  } catch (error) {
    expect(isCachetError(error) ? error.code : String(error)).toBe(code);
    return;
  }
  throw new Error(`expected CachetError ${code}`);
}

/** Header block of an entity and its body, split at the first blank line. */
function split(entity: Uint8Array): { head: string; body: string } {
  const text = latin1(entity);
  const at = text.indexOf('\r\n\r\n');
  return { head: text.slice(0, at + 2), body: text.slice(at + 4) };
}

function checkLines(message: Uint8Array): void {
  const text = latin1(message);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  const { head } = split(message);
  for (const field of head.split(/\r\n(?![ \t])/).filter(Boolean)) checkFieldLines(`${field}\r\n`);
}

describe('buildMessage: top-level fields', () => {
  it('writes a simple message exactly', () => {
    const message = buildMessage(plain('Hello Bob.\n'), headers, { random: counter() });
    expect(latin1(message)).toBe(
      'Date: Fri, 2 Jan 2026 03:04:05 +0000\r\n' +
        'From: Alice Example <alice@example.com>\r\n' +
        'To: bob@example.org\r\n' +
        'Subject: Test\r\n' +
        'Message-ID: <id-1@example.com>\r\n' +
        'MIME-Version: 1.0\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        'Content-Transfer-Encoding: 7bit\r\n' +
        '\r\n' +
        'Hello Bob.\r\n',
    );
  });

  it('generates a Message-ID from the injected randomness at the sender’s domain', () => {
    const { messageId: _, ...rest } = headers;
    const message = latin1(buildMessage(plain('x'), rest, { random: counter() }));
    expect(message).toContain('Message-ID: <000102030405060708090a0b0c0d0e0f@example.com>\r\n');
  });

  it('writes Cc, Reply-To, Sender, In-Reply-To, References and extra fields', () => {
    const message = latin1(
      buildMessage(
        plain('x'),
        {
          ...headers,
          from: [headers.from as { address: string }, { address: 'carol@example.com' }],
          sender: { address: 'alice@example.com' },
          cc: [{ name: 'Dän', address: 'dan@example.net' }],
          replyTo: [{ address: 'list@example.com' }],
          inReplyTo: 'parent@example.com',
          references: ['<a@example.com>', 'b@example.com'],
          extra: [{ name: 'X-Mailer', value: 'Cachet' }],
        },
        { random },
      ),
    );
    expect(message).toContain('From: Alice Example <alice@example.com>, carol@example.com\r\n');
    expect(message).toContain('Sender: alice@example.com\r\n');
    expect(message).toContain('Reply-To: list@example.com\r\n');
    expect(message).toContain('Cc: =?UTF-8?Q?D=C3=A4n?= <dan@example.net>\r\n');
    expect(message).toContain('In-Reply-To: <parent@example.com>\r\n');
    expect(message).toContain('References: <a@example.com> <b@example.com>\r\n');
    expect(message).toContain('X-Mailer: Cachet\r\n');
  });

  it('refuses what would make a wrong or ambiguous message', () => {
    expectError('input/invalid', () => buildMessage(plain('x'), { ...headers, from: [{ address: 'a@x.org' }, { address: 'b@x.org' }] }, { random }));
    expectError('input/invalid', () => buildMessage(plain('x'), { ...headers, from: [] }, { random }));
    expectError('input/invalid', () => buildMessage(plain('x'), { ...headers, messageId: 'no at sign' }, { random }));
    expectError('input/invalid', () => buildMessage(plain('x'), { ...headers, extra: [{ name: 'Content-Type', value: 'text/html' }] }, { random }));
    expectError('input/invalid', () => buildMessage(plain('x'), { ...headers, extra: [{ name: 'Bcc', value: 'x@example.com' }] }, { random }));
  });

  it('encodes the subject and names, and postal-mime reads them back', async () => {
    const subject = 'Grüße 👋 — "quoted", =?not a word?= and a long tail '.repeat(3);
    const message = buildMessage(
      plain('Body'),
      { ...headers, subject, from: { name: 'Jürgen Müller, Dr.', address: 'jm@example.de' }, to: [{ name: '山田 太郎', address: 'taro@example.jp' }] },
      { random },
    );
    checkLines(message);
    const email = await PostalMime.parse(message);
    expect(email.subject).toBe(subject);
    expect(email.from?.name).toBe('Jürgen Müller, Dr.');
    expect(email.from?.address).toBe('jm@example.de');
    expect(email.to?.[0]?.name).toBe('山田 太郎');
  });
});

describe('buildEntity: text bodies', () => {
  const encodingOf = (node: MimeNode, forSigning = false) =>
    /Content-Transfer-Encoding: (\S+)/.exec(split(buildEntity(node, { random, forSigning })).head)?.[1];

  it('writes line breaks as CRLF', () => {
    expect(split(buildEntity(plain('a\nb\rc\r\nd'), { random })).body).toBe('a\r\nb\r\nc\r\nd');
  });

  it('uses 7bit for ASCII, quoted-printable for mostly-ASCII text and base64 for the rest', () => {
    expect(encodingOf(plain('Plain ASCII\n'))).toBe('7bit');
    expect(encodingOf(plain('Grüße aus Köln, bis bald!\n'))).toBe('quoted-printable');
    expect(encodingOf(plain('日本語のテキストです。'.repeat(5)))).toBe('base64');
  });

  it('enforces the 998-octet line limit by encoding', () => {
    expect(encodingOf(plain('x'.repeat(998)))).toBe('7bit');
    expect(encodingOf(plain('x'.repeat(999)))).toBe('quoted-printable');
    expect(encodingOf(plain('nul\0byte'))).toBe('quoted-printable');
  });

  it('honours a requested encoding when the content allows it', () => {
    const text = 'Grüße\n';
    const eight = buildEntity(plain(text, { transferEncoding: '8bit' }), { random });
    expect(Buffer.from(split(eight).body, 'latin1').toString('utf8')).toBe('Grüße\r\n');
    expect(split(buildEntity(plain(text, { transferEncoding: 'base64' }), { random })).body).toBe(Buffer.from('Grüße\r\n').toString('base64'));
    expectError('input/invalid', () => buildEntity(plain(text, { transferEncoding: '7bit' }), { random }));
    expectError('input/invalid', () => buildEntity(plain('x'.repeat(1000), { transferEncoding: '8bit' }), { random }));
  });

  it('writes text/html with charset utf-8', () => {
    const { head } = split(buildEntity({ kind: 'text', subtype: 'html', text: '<p>Hi</p>' }, { random }));
    expect(head).toContain('Content-Type: text/html; charset=utf-8\r\n');
  });
});

describe('buildEntity: attachments', () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);

  it('writes base64 with the guessed type, disposition and both file name forms', () => {
    const entity = buildEntity({ kind: 'attachment', content: bytes, filename: 'Bericht für März.pdf' }, { random });
    const { head, body } = split(entity);
    expect(head).toMatch(/^Content-Type: application\/pdf;/);
    expect(head).toContain('Content-Transfer-Encoding: base64\r\n');
    const unfolded = head.replace(/\r\n(?=[ \t])/g, '');
    const type = unfolded.split('\r\n').find((line) => line.startsWith('Content-Type:'))!;
    const disposition = unfolded.split('\r\n').find((line) => line.startsWith('Content-Disposition:'))!;
    expect(disposition).toMatch(/^Content-Disposition: attachment;/);
    expect(decodeParameters(disposition).get('filename')).toBe('Bericht für März.pdf');
    expect(decodeEncodedWords(decodeParameters(type).get('name')!)).toBe('Bericht für März.pdf');
    expect(Buffer.from(body.replace(/\r\n/g, ''), 'base64')).toEqual(Buffer.from(bytes));
    for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });

  it('uses a given type and parameters, or application/octet-stream', () => {
    const given = split(buildEntity({ kind: 'attachment', content: bytes, contentType: 'Text/CSV', parameters: { charset: 'utf-8' } }, { random })).head;
    expect(given).toMatch(/^Content-Type: text\/csv; charset=utf-8\r\n/);
    const unknown = split(buildEntity({ kind: 'attachment', content: bytes, filename: 'data.bin' }, { random })).head;
    expect(unknown).toMatch(/^Content-Type: application\/octet-stream; name=data.bin\r\n/);
  });

  it('writes inline parts with a Content-ID', () => {
    const { head } = split(buildEntity({ kind: 'attachment', content: bytes, filename: 'logo.png', disposition: 'inline', contentId: 'logo@example.com' }, { random }));
    expect(head).toContain('Content-Disposition: inline; filename=logo.png\r\n');
    expect(head).toContain('Content-ID: <logo@example.com>\r\n');
  });

  it('attaches a message as message/rfc822 with an identity encoding (RFC 2046 §5.2.1)', () => {
    const inner = Buffer.from('Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nFrom: a@example.com\n\nInner body\n');
    const attached = buildMessage({ kind: 'attachment', content: inner, contentType: 'message/rfc822', filename: 'fwd.eml' }, headers, { random });
    const root = parseMessage(attached);
    expect(root.transferEncoding).toBe('7bit');
    expect(root.children).toHaveLength(1);
    expect(decodeEncodedWords(headerValue(root.children[0]!, 'subject')!)).toBe('Grüße');
    // The bare LFs of the attached message became CRLF.
    expect(latin1(bodyBytes(root))).toBe(inner.toString('latin1').replace(/\n/g, '\r\n'));

    const eightBit = Buffer.from('Subject: x\r\n\nGrüße\r\n');
    expect(split(buildEntity({ kind: 'attachment', content: eightBit, contentType: 'message/rfc822' }, { random })).head).toContain('Content-Transfer-Encoding: 8bit');
    expectError('input/invalid', () => buildEntity({ kind: 'attachment', content: eightBit, contentType: 'message/rfc822' }, { random, forSigning: true }));
    expectError('input/invalid', () => buildEntity({ kind: 'attachment', content: inner, contentType: 'message/rfc822', transferEncoding: 'base64' }, { random }));
  });

  it('refuses composite types, reserved parameters, bad types and bad ids', () => {
    expectError('input/invalid', () => buildEntity({ kind: 'attachment', content: bytes, contentType: 'multipart/mixed' }, { random }));
    expectError('input/invalid', () => buildEntity({ kind: 'attachment', content: bytes, contentType: 'text/plain\r\nX: y' }, { random }));
    expectError('input/invalid', () => buildEntity({ kind: 'attachment', content: bytes, filename: 'a', parameters: { name: 'b' } }, { random }));
    expectError('input/invalid', () => buildEntity({ kind: 'attachment', content: bytes, contentId: 'a b' }, { random }));
    expectError('input/invalid', () => buildEntity({ kind: 'attachment', content: bytes, transferEncoding: '7bit' }, { random }));
  });
});

describe('buildEntity: multiparts', () => {
  const tree: MimeNode = {
    kind: 'multipart',
    subtype: 'mixed',
    parts: [
      {
        kind: 'multipart',
        subtype: 'alternative',
        parts: [
          plain('Text version'),
          {
            kind: 'multipart',
            subtype: 'related',
            parts: [
              { kind: 'text', subtype: 'html', text: '<img src="cid:i@x">' },
              { kind: 'attachment', content: new Uint8Array([137, 80, 78, 71]), filename: 'i.png', disposition: 'inline', contentId: 'i@x' },
            ],
          },
        ],
      },
      { kind: 'attachment', content: new Uint8Array(5000).fill(0xee), filename: 'blob.bin' },
    ],
  };

  it('nests with distinct boundaries and the RFC 2046 delimiter layout', () => {
    const text = latin1(buildEntity(tree, { random }));
    const boundaries = [...text.matchAll(/boundary="([^"]+)"/g)].map((match) => match[1]!);
    expect(new Set(boundaries).size).toBe(3);
    for (const boundary of boundaries) {
      expect(boundary.length).toBeLessThanOrEqual(70);
      const delimiters = text.split('\r\n').filter((line) => line.startsWith(`--${boundary}`));
      expect(delimiters.at(-1)).toBe(`--${boundary}--`);
      expect(delimiters.slice(0, -1).every((line) => line === `--${boundary}`)).toBe(true);
    }
    expect(text).toMatch(/multipart\/related;[\s\S]*type="text\/html"/);
    checkLines(buildMessage(tree, headers, { random }));
  });

  it('reads back through postal-mime with the same texts and attachments', async () => {
    const email = await PostalMime.parse(buildMessage(tree, headers, { random }));
    // postal-mime ends the text with the line break that belongs to the delimiter.
    expect(email.text?.replace(/\n$/, '')).toBe('Text version');
    expect(email.html).toContain('<img src="cid:i@x">');
    const blob = email.attachments.find((attachment) => attachment.filename === 'blob.bin');
    expect(new Uint8Array(blob!.content as ArrayBuffer)).toEqual(new Uint8Array(5000).fill(0xee));
    const image = email.attachments.find((attachment) => attachment.filename === 'i.png');
    expect(image?.contentId).toBe('<i@x>');
    expect(image?.disposition).toBe('inline');
  });

  it('draws a new boundary when the first one occurs in the content', () => {
    // The first draw is 16 zero octets; the text contains the boundary that makes.
    const zeros = `=_cachet_${'00'.repeat(16)}`;
    let calls = 0;
    const source: RandomSource = (bytes) => {
      bytes.fill(calls++ === 0 ? 0 : 1);
      return bytes;
    };
    const text = latin1(buildEntity({ kind: 'multipart', subtype: 'mixed', parts: [plain(`--${zeros}\n`)] }, { random: source }));
    expect(text).toContain(`boundary="=_cachet_${'01'.repeat(16)}"`);
    expect(calls).toBe(2);
  });

  it('gives up with an error when the randomness never avoids the content', () => {
    const stuck: RandomSource = (bytes) => bytes.fill(0);
    const node: MimeNode = { kind: 'multipart', subtype: 'mixed', parts: [plain(`=_cachet_${'00'.repeat(16)}`)] };
    expectError('input/invalid', () => buildEntity(node, { random: stuck }));
  });

  it('refuses empty multiparts, malformed signed ones, and absurd depth', () => {
    expectError('input/invalid', () => buildEntity({ kind: 'multipart', subtype: 'mixed', parts: [] }, { random }));
    expectError('input/invalid', () => buildEntity({ kind: 'multipart', subtype: 'signed', parts: [plain('x')] }, { random }));
    expectError('input/invalid', () =>
      buildEntity({ kind: 'multipart', subtype: 'mixed', parts: [plain('x')], parameters: { Boundary: 'mine' } }, { random }),
    );
    let deep: MimeNode = plain('x');
    for (let i = 0; i < 70; i++) deep = { kind: 'multipart', subtype: 'mixed', parts: [deep] };
    expectError('mime/too-deep', () => buildEntity(deep, { random }));
  });

  it('embeds a prebuilt entity byte for byte, and refuses one with bare LF', () => {
    const prebuilt = Buffer.from('Content-Type: text/plain\r\n\r\nexact  \r\nbytes');
    const signed: MimeNode = {
      kind: 'multipart',
      subtype: 'signed',
      parameters: { protocol: 'application/pkcs7-signature', micalg: 'sha-256' },
      parts: [
        { kind: 'prebuilt', bytes: prebuilt },
        { kind: 'attachment', content: new Uint8Array([48, 0]), contentType: 'application/pkcs7-signature', filename: 'smime.p7s' },
      ],
    };
    const text = latin1(buildEntity(signed, { random }));
    expect(text).toContain(`\r\n${prebuilt.toString('latin1')}\r\n--`);
    expect(text).toMatch(/^Content-Type: multipart\/signed;[\s\S]*protocol="application\/pkcs7-signature";[\s\S]*micalg=sha-256/);
    expectError('input/invalid', () => buildEntity({ kind: 'prebuilt', bytes: Buffer.from('a\nb') }, { random }));
  });
});
