import { webcrypto } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectCachetError } from '../support/expect-cachet-error';

import type { MimeNode, RandomSource } from '../../src/mime/build-types';
import { buildCanonicalEntity, canonicalizeEntity, canonicalProblems, lfToCrlf } from '../../src/mime/canonical';

const random: RandomSource = (bytes) => webcrypto.getRandomValues(bytes);
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const bytes = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));
const plain = (text: string): MimeNode => ({ kind: 'text', subtype: 'plain', text });

function encodingOf(entity: Uint8Array): string | undefined {
  return /Content-Transfer-Encoding: (\S+)/.exec(latin1(entity))?.[1];
}

const expectInvalid = (action: () => unknown): void => expectCachetError(action, 'input/invalid');

describe('lfToCrlf', () => {
  it('turns bare LF into CRLF and leaves CRLF alone', () => {
    expect(latin1(lfToCrlf(bytes('a\nb\r\nc\n\n')))).toBe('a\r\nb\r\nc\r\n\r\n');
    expect(latin1(lfToCrlf(bytes('\n')))).toBe('\r\n');
  });

  it('returns the same array when nothing changes (no copy)', () => {
    const input = bytes('a\r\nb');
    expect(lfToCrlf(input)).toBe(input);
  });

  it('matches a string replacement on random octets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (data) => {
        const expected = latin1(data).replace(/(?<!\r)\n/g, '\r\n');
        expect(latin1(lfToCrlf(data))).toBe(expected);
      }),
    );
  });
});

describe('buildCanonicalEntity (RFC 8551 §3.1)', () => {
  it('keeps short clean ASCII text as 7bit with CRLF', () => {
    const entity = buildCanonicalEntity(plain('Hello\nWorld\n'), { random });
    expect(encodingOf(entity)).toBe('7bit');
    expect(latin1(entity).endsWith('\r\n\r\nHello\r\nWorld\r\n')).toBe(true);
  });

  it('quoted-printable-encodes text with 8-bit, long lines, trailing whitespace or risky line starts', () => {
    for (const text of ['Grüße', 'x'.repeat(77), 'trailing \nline', 'From me\n', 'a\n.\nb']) {
      const entity = buildCanonicalEntity(plain(text), { random });
      expect(encodingOf(entity)).toBe('quoted-printable');
      expect(canonicalProblems(entity)).toEqual([]);
    }
  });

  it('applies the line-start escapes in the signed text', () => {
    const body = latin1(buildCanonicalEntity(plain('From me\n.\n'), { random })).split('\r\n\r\n')[1];
    expect(body).toBe('=46rom me\r\n=2E\r\n');
  });

  it('base64-encodes attachments and refuses 8bit for signed content', () => {
    const node: MimeNode = {
      kind: 'multipart',
      subtype: 'mixed',
      parts: [plain('Ünïcödé body'), { kind: 'attachment', content: new Uint8Array([0, 255, 10, 13]), filename: 'x.bin' }],
    };
    const entity = buildCanonicalEntity(node, { random });
    expect(canonicalProblems(entity)).toEqual([]);
    expect(latin1(entity)).toContain('Content-Transfer-Encoding: base64');
    expectInvalid(() => buildCanonicalEntity({ kind: 'text', subtype: 'plain', text: 'ü', transferEncoding: '8bit' }, { random }));
  });

  it('refuses 8-bit prebuilt parts when signing', () => {
    const prebuilt = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nü');
    expectInvalid(() => buildCanonicalEntity({ kind: 'prebuilt', bytes: prebuilt }, { random }));
  });

  it('is always CRLF-only, 7-bit and within 998 for arbitrary trees', () => {
    const leaf = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }).map((text): MimeNode => plain(text)),
      fc.uint8Array({ maxLength: 300 }).map((content): MimeNode => ({ kind: 'attachment', content, filename: 'f' })),
    );
    const tree = fc.letrec<{ node: MimeNode }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((parts): MimeNode => ({ kind: 'multipart', subtype: 'mixed', parts })),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (node) => {
        const entity = buildCanonicalEntity(node, { random });
        expect(canonicalProblems(entity)).toEqual([]);
        expect(entity.every((octet) => octet < 0x80)).toBe(true);
        expect(latin1(entity).replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 150 },
    );
  });
});

describe('canonicalizeEntity and canonicalProblems', () => {
  it('turns an LF entity into CRLF bytes to sign', () => {
    const entity = bytes('Content-Type: text/plain\n\nline one\nline two\n');
    expect(latin1(canonicalizeEntity(entity))).toBe('Content-Type: text/plain\r\n\r\nline one\r\nline two\r\n');
  });

  it('names every problem and refuses 8-bit or bare-CR input', () => {
    expect(canonicalProblems(bytes('a\rb'))).toEqual(['bare CR or LF (RFC 8551 §3.1.1 requires CRLF)']);
    expect(canonicalProblems(bytes('\xe9'))).toEqual(['8-bit octets (RFC 8551 §3.1.3 requires a 7-bit encoding)']);
    expect(canonicalProblems(bytes('\0'))).toEqual(['NUL octets']);
    expect(canonicalProblems(bytes('x'.repeat(999)))).toEqual(['a line longer than 998 octets']);
    expectInvalid(() => canonicalizeEntity(bytes('Content-Type: text/plain\n\n\xe9\n')));
    expectInvalid(() => canonicalizeEntity(bytes('a\rb')));
  });
});
