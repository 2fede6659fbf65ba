import { webcrypto } from 'node:crypto';

import fc from 'fast-check';
import { addressParser } from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { guessMediaType } from '../../src/mime/guess-media-type';
import { buildMessage, type MessageHeaders } from '../../src/mime/build-message';
import type { MimeNode, RandomSource } from '../../src/mime/build-types';
import { buildCanonicalEntity, canonicalProblems } from '../../src/mime/canonical';
import type { Mailbox } from '../../src/mime/encode-header';
import { decodeEncodedWords } from '../../src/mime/encoded-words';
import { parseMessage } from '../../src/mime/parse';
import { allParts, decodedBody, fileName, headerBytes, headerValue } from '../../src/mime/part-access';
import type { MimePart } from '../../src/mime/types';

// Build arbitrary messages, parse them with the project's parser, and demand that every
// header, structure and body comes back as it went in, within the line limits.

const random: RandomSource = (bytes) => webcrypto.getRandomValues(bytes);
const utf8 = new TextEncoder();
const crlf = (text: string) => text.replace(/\r\n|\r|\n/g, '\r\n');

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }));
const lineText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 90 }), fc.constantFrom('\n', '\r\n', 'From x', '.', ' \t', 'x'.repeat(1200))), { maxLength: 12 })
  .map((pieces) => pieces.join(''));
const address = fc.constantFrom('a@example.com', 'first.last@sub.example.org', 'x+tag@example.net', '"quoted local"@example.com');
const mailbox: fc.Arbitrary<Mailbox> = fc.record({ name: fc.option(text, { nil: undefined }), address }).map(({ name, address }) =>
  name === undefined ? { address } : { name, address },
);

const leaf: fc.Arbitrary<MimeNode> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), subtype: fc.constantFrom('plain' as const, 'html' as const), text: lineText }),
  fc.record(
    {
      kind: fc.constant('attachment' as const),
      content: fc.uint8Array({ maxLength: 2000 }),
      filename: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }),
      contentType: fc.constantFrom('application/octet-stream', 'image/png', 'application/pdf'),
      disposition: fc.constantFrom('attachment' as const, 'inline' as const),
      contentId: fc.constantFrom('part1@example.com', 'img.42@cachet.invalid'),
    },
    { requiredKeys: ['kind', 'content'] },
  ),
);

const tree: fc.Arbitrary<MimeNode> = fc.letrec<{ node: MimeNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .record({
        subtype: fc.constantFrom('mixed' as const, 'alternative' as const, 'related' as const),
        parts: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
      })
      .map(({ subtype, parts }): MimeNode => ({ kind: 'multipart', subtype, parts })),
  ),
})).node;

const headers: fc.Arbitrary<MessageHeaders> = fc.record({
  from: mailbox,
  to: fc.array(mailbox, { minLength: 1, maxLength: 4 }),
  cc: fc.array(mailbox, { maxLength: 3 }),
  subject: text,
  date: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
});

function mediaTypeOf(node: MimeNode): string | undefined {
  switch (node.kind) {
    case 'text':
      return `text/${node.subtype}`;
    case 'attachment':
      return node.contentType ?? guessMediaType(node.filename);
    case 'multipart':
      return `multipart/${node.subtype}`;
    case 'prebuilt':
      return undefined;
  }
}

/** Byte equality; large arrays are compared natively, as a deep diff of megabytes is useless. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (expected.length > 65536) {
    expect(actual.length).toBe(expected.length);
    expect(Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)).toBe(true);
  } else {
    expect(actual).toEqual(expected);
  }
}

/** Structure, content type and decoded body of every part match the tree that was built. */
function checkPart(part: MimePart, node: MimeNode): void {
  expect(part.warnings).toEqual([]);
  expect(part.contentType.mediaType).toBe(mediaTypeOf(node));
  switch (node.kind) {
    case 'text':
      expect(part.contentType.params['charset']).toBe('utf-8');
      expectSameBytes(decodedBody(part), utf8.encode(crlf(node.text)));
      break;
    case 'attachment':
      expectSameBytes(decodedBody(part), node.content);
      expect(fileName(part)).toBe(node.filename);
      // The RFC 2047 fallback in Content-Type says the same as the RFC 2231 filename.
      if (node.filename !== undefined) expect(decodeEncodedWords(part.contentType.params['name'] ?? '')).toBe(node.filename);
      if (node.contentId !== undefined) expect(headerValue(part, 'content-id')).toBe(`<${node.contentId}>`);
      break;
    case 'multipart':
      expect(part.children).toHaveLength(node.parts.length);
      node.parts.forEach((child, index) => checkPart(part.children[index]!, child));
      break;
    case 'prebuilt':
      break;
  }
}

/** Every line within 998 octets, CRLF only, and every header line within 78. */
function checkLines(root: MimePart): void {
  const source = Buffer.from(root.source).toString('latin1');
  expect(source.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of source.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  for (const part of allParts(root)) {
    for (const line of Buffer.from(headerBytes(part)).toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  }
}

const squash = (name: string) => name.replace(/\s+/g, ' ').trim();

function checkMailboxes(value: string | undefined, expected: readonly Mailbox[]): void {
  const parsed = addressParser(value ?? '', { flatten: true });
  // postal-mime drops the quotes of a quoted local part only when there is no display name.
  const unquote = (address: string) => address.replace(/^"(.*)"@/, '$1@');
  expect(parsed.map((m) => unquote(m.address ?? ''))).toEqual(expected.map((m) => unquote(m.address)));
  expect(parsed.map((m) => squash(m.name))).toEqual(expected.map((m) => squash(m.name ?? '')));
}

describe('build → parse round trip', () => {
  it('gives back headers, structure and bodies, within line limits', () => {
    fc.assert(
      fc.property(tree, headers, (node, fields) => {
        const root = parseMessage(buildMessage(node, fields, { random }));
        checkLines(root);
        expect(decodeEncodedWords(headerValue(root, 'subject') ?? '')).toBe(fields.subject);
        expect(new Date(headerValue(root, 'date') ?? '').getTime()).toBe(Math.floor(fields.date!.getTime() / 1000) * 1000);
        expect(headerValue(root, 'mime-version')).toBe('1.0');
        expect(headerValue(root, 'message-id')).toMatch(/^<[0-9a-f]{32}@[a-z.]+>$/);
        checkMailboxes(headerValue(root, 'from'), [fields.from as Mailbox]);
        checkMailboxes(headerValue(root, 'to'), fields.to!);
        if (fields.cc!.length > 0) checkMailboxes(headerValue(root, 'cc'), fields.cc!);
        else expect(headerValue(root, 'cc')).toBeUndefined();
        checkPart(root, node);
      }),
      { numRuns: 150 },
    );
  });

  it('gives canonical entities that are CRLF-only, 7-bit and parse to the same content', () => {
    fc.assert(
      fc.property(tree, (node) => {
        const entity = buildCanonicalEntity(node, { random });
        expect(canonicalProblems(entity)).toEqual([]);
        expect(entity.every((octet) => octet < 0x80)).toBe(true);
        const root = parseMessage(entity);
        checkLines(root);
        checkPart(root, node);
        for (const part of allParts(root)) {
          expect(['7bit', 'quoted-printable', 'base64']).toContain(part.transferEncoding);
          if (part.children.length === 0) {
            // Relay hazards are encoded away (RFC 2049 §4): no trailing whitespace, no
            // "From " line start, no line longer than 76 in a leaf body.
            const body = Buffer.from(part.source.subarray(part.bodyRange.start, part.bodyRange.end)).toString('latin1');
            for (const line of body.split('\r\n')) {
              expect(line.length).toBeLessThanOrEqual(76);
              expect(line).not.toMatch(/[ \t]$|^From |^\./);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('handles a 25 MiB attachment in a nested message', () => {
    const content = new Uint8Array(25 * 1024 * 1024);
    for (let i = 0; i < content.length; i++) content[i] = (i * 2654435761) >>> 24;
    const node: MimeNode = {
      kind: 'multipart',
      subtype: 'mixed',
      parts: [
        { kind: 'multipart', subtype: 'alternative', parts: [{ kind: 'text', subtype: 'plain', text: 'see attached' }, { kind: 'text', subtype: 'html', text: '<p>see attached</p>' }] },
        { kind: 'attachment', content, filename: 'big.bin' },
      ],
    };
    const root = parseMessage(buildMessage(node, { from: { address: 'a@example.com' }, subject: 'big' }, { random }));
    checkPart(root, node);
  });
});
