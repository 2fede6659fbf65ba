import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCachetError } from '../../src/errors';
import {
  allParts,
  decodedBody,
  decodedText,
  decodeEncodedWords,
  fileName,
  parseContentDisposition,
  parseContentType,
  parseMessage,
  DEFAULT_MAX_HEADER_FIELDS,
  type MimePart,
} from '../../src/mime';

// DESIGN.md invariant 5: every input is hostile. The parser must return a tree whose
// ranges are sane, or throw a CachetError; never anything else, never hang.

const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const corpusMessage = fileURLToPath(
  new URL('../../../shared/corpora/thunderbird-smime/mail/test/browser/smime/data/nested-sigs.eml', import.meta.url),
);

/** Ranges nest, stay inside the source, and every accessor works on every part. */
function assertSane(root: MimePart): void {
  const check = (part: MimePart, lo: number, hi: number): void => {
    expect(part.source).toBe(root.source);
    expect(part.range.start).toBeGreaterThanOrEqual(lo);
    expect(part.range.end).toBeLessThanOrEqual(hi);
    expect(part.headerRange.start).toBeGreaterThanOrEqual(part.range.start);
    expect(part.headerRange.end).toBeGreaterThanOrEqual(part.headerRange.start);
    expect(part.bodyRange.start).toBeGreaterThanOrEqual(part.headerRange.end);
    expect(part.bodyRange.end).toBe(part.range.end);
    expect(part.bodyRange.end).toBeGreaterThanOrEqual(part.bodyRange.start);
    for (const extra of [part.preamble, part.epilogue]) {
      if (!extra) continue;
      expect(extra.start).toBeGreaterThanOrEqual(part.bodyRange.start);
      expect(extra.end).toBeLessThanOrEqual(part.bodyRange.end);
      expect(extra.end).toBeGreaterThanOrEqual(extra.start);
    }
    let previousEnd = part.bodyRange.start;
    for (const child of part.children) {
      expect(child.range.start).toBeGreaterThanOrEqual(previousEnd);
      previousEnd = child.range.end;
      check(child, part.bodyRange.start, part.bodyRange.end);
    }
  };
  check(root, 0, root.source.length);
  for (const part of allParts(root)) {
    decodedText(part);
    fileName(part);
    expect(decodedBody(part).length).toBeLessThanOrEqual(part.bodyRange.end - part.bodyRange.start);
  }
}

/** Parses, accepting only a sane tree or a CachetError. */
function parseOrCachetError(source: Uint8Array): void {
  let root: MimePart;
  try {
    root = parseMessage(source);
  } catch (error) {
    if (isCachetError(error)) return;
    throw error;
  }
  assertSane(root);
}

/**
 * A deliberately plain splitter for one multipart level: walk every line, test it against
 * the RFC 2046 §5.1.1 delimiter syntax with a regular expression. The parser finds its
 * candidates through an index instead; both must agree.
 */
function referenceParts(source: Uint8Array, start: number, end: number, boundary: string): Array<[number, number]> {
  const text = Buffer.from(source.subarray(0, end)).toString('latin1');
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`^--${escaped}(--)?[ \\t]*\r?$`);
  const parts: Array<[number, number]> = [];
  let open = -1;
  for (let lineStart = start; lineStart < end;) {
    const lf = text.indexOf('\n', lineStart);
    const lineEnd = lf < 0 ? end : lf;
    const match = delimiter.exec(text.slice(lineStart, lineEnd));
    if (match) {
      if (open >= 0) {
        let partEnd = lineStart;
        if (partEnd > open && text[partEnd - 1] === '\n') partEnd--;
        if (partEnd > open && text[partEnd - 1] === '\r') partEnd--;
        parts.push([open, partEnd]);
      }
      if (match[1]) return parts;
      open = lf < 0 ? end : lf + 1;
    }
    if (lf < 0) break;
    lineStart = lf + 1;
  }
  if (open >= 0 && open < end) parts.push([open, end]);
  return parts;
}

describe('hostile MIME input', () => {
  it('finds the same parts as a line-by-line reference splitter (fast-check)', () => {
    const line = fc.constantFrom('--b', '--b--', '--b  ', '--b\t--', '--bb', '--b-', '---b', '--', 'x--b', '', ' ', 'text', '--b--x', '--B');
    const eol = fc.constantFrom('\r\n', '\n', '\r', '');
    fc.assert(fc.property(fc.array(fc.tuple(line, eol), { maxLength: 40 }), (rows) => {
      const header = 'Content-Type: multipart/mixed; boundary=b\r\n\r\n';
      const source = bytesOf(header + rows.map(([l, e]) => l + e).join(''));
      const root = parseMessage(source);
      const expected = referenceParts(source, header.length, source.length, 'b');
      expect(root.children.map((c) => [c.range.start, c.range.end])).toEqual(expected);
    }), { numRuns: 2000 });
  });

  it('survives every truncation of a real nested message', () => {
    const whole = new Uint8Array(readFileSync(corpusMessage));
    for (let cut = 0; cut <= whole.length; cut += 7) parseOrCachetError(whole.subarray(0, cut));
  });

  it('survives binary garbage (fast-check)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => parseOrCachetError(bytes)), { numRuns: 500 });
  });

  it('survives messages assembled from MIME fragments (fast-check)', () => {
    const fragment = fc.constantFrom(
      'Content-Type: multipart/mixed; boundary=b\r\n',
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="b"\n',
      'Content-Type: message/rfc822\r\n',
      'Content-Type: multipart/digest; boundary=c\r\n',
      'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name*0*=utf-8\'\'%C3; name*1*=%A4\r\n',
      'Content-Type: application/octet-stream; name="smime.p7m"\r\n',
      'Content-Type: text/plain; charset="x-nope\r\n',
      'Content-Transfer-Encoding: base64\r\n',
      'Content-Transfer-Encoding: quoted-printable\n',
      'Content-Disposition: attachment; filename="=?utf-8?q?=E2=82?= =?utf-8?b?rA==?="\r\n',
      'Subject: =?utf-8?q?x?=\r\n',
      ' folded\r\n',
      '\r\n', '\n', '\r',
      '--b\r\n', '--b--\r\n', '--b', '--c\n', '--c--', '--b  \r\n',
      'MIAGCSqGSIb3DQEHA6CAMIAC', '=3D=\r\n', '= \r\n', '=Z', 'text line\r\n',
    );
    fc.assert(fc.property(fc.array(fragment, { maxLength: 60 }), (pieces) => parseOrCachetError(bytesOf(pieces.join('')))), { numRuns: 1000 });
  });

  it('never throws from the header value parsers (fast-check)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      parseContentType(text);
      parseContentDisposition(text);
      decodeEncodedWords(text);
    }), { numRuns: 1000 });
  });

  it('stops at the depth limit for 10,000 nested multiparts', () => {
    const depth = 10_000;
    const head = Array.from({ length: depth }, (_, i) => `Content-Type: multipart/mixed; boundary=n${i}\r\n\r\n--n${i}\r\n`);
    const tail = Array.from({ length: depth }, (_, i) => `\r\n--n${depth - 1 - i}--`);
    const root = parseMessage(bytesOf(`${head.join('')}\r\nleaf${tail.join('')}`));
    const parts = allParts(root);
    expect(parts).toHaveLength(65);
    expect(parts[64]?.warnings.join()).toContain('deeper than 64');
    assertSane(root);
  });

  it('stops at the depth limit for 10,000 nested message/rfc822', () => {
    const source = bytesOf(`${'Content-Type: message/rfc822\r\n\r\n'.repeat(10_000)}end`);
    const parts = allParts(parseMessage(source));
    expect(parts).toHaveLength(65);
    assertSane(parseMessage(source));
  });

  it('parses 10,000 sibling parts', () => {
    const source = bytesOf(`Content-Type: multipart/mixed; boundary=s\r\n\r\n${'--s\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(10_000)}--s--\r\n`);
    const root = parseMessage(source);
    expect(root.children).toHaveLength(10_000);
    assertSane(root);
  });

  it('throws mime/too-large for a flood of header fields instead of exhausting memory', () => {
    const flood = bytesOf(`${'a:b\n'.repeat(DEFAULT_MAX_HEADER_FIELDS + 1)}\nbody`);
    expect(() => parseMessage(flood)).toThrow(expect.objectContaining({ code: 'mime/too-large' }));
    const within = parseMessage(bytesOf(`${'a:b\n'.repeat(10_000)}\nbody`));
    expect(within.headers).toHaveLength(10_000);
  });

  it('reads a 1 MB header line', () => {
    const long = 'a'.repeat(1 << 20);
    const root = parseMessage(bytesOf(`Subject: ${long}\r\nContent-Type: text/plain; name="${long}"\r\n\r\nbody`));
    expect(root.headers[0]?.value.length).toBe(1 << 20);
    expect(root.contentType.params['name']?.length).toBe(1 << 20);
    assertSane(root);
  });

  it('reads a 1 MB field of whitespace, comments and encoded-word starts without slowing to a crawl', () => {
    const spaces = `Subject: x${' '.repeat(1 << 20)}y\r\n`;
    const comments = `Content-Type: text/plain; ${'('.repeat(1 << 19)}\r\n`;
    const words = `X-Words: ${'=?a?q?'.repeat(1 << 17)}\r\n`;
    const root = parseMessage(bytesOf(`${spaces}${comments}${words}\r\n`));
    expect(root.headers).toHaveLength(3);
    expect(decodeEncodedWords(root.headers[2]?.value ?? '')).toBe(root.headers[2]?.value);
    expect(root.warnings.join()).toContain('unterminated comment');
  });

  it('ignores a 1 MB boundary parameter instead of scanning with it', () => {
    const boundary = 'b'.repeat(1 << 20);
    const root = parseMessage(bytesOf(`Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n--${boundary}\r\n\r\nx\r\n--${boundary}--`));
    expect(root.children).toEqual([]);
    expect(root.warnings.join()).toContain('longer than a line');
  });

  it('tolerates unterminated quoted strings and comments', () => {
    const root = parseMessage(bytesOf('Content-Type: multipart/mixed; boundary="q\r\n\r\n--q\r\n\r\nin\r\n--q--\r\n'));
    expect(root.contentType.params['boundary']).toBe('q');
    expect(root.children).toHaveLength(1);
    expect(root.warnings.join()).toContain('unterminated quoted string');
    const comment = parseContentType('text/plain; charset=utf-8 (never closed');
    expect(comment.contentType.params['charset']).toBe('utf-8');
    expect(comment.warnings.join()).toContain('unterminated comment');
  });

  it('handles a body of nothing but delimiter-like lines', () => {
    const source = bytesOf(`Content-Type: multipart/mixed; boundary=d\r\n\r\n${'--d-\r\n--\r\n-\r\n\r\n'.repeat(50_000)}`);
    const root = parseMessage(source);
    expect(root.children).toEqual([]);
    assertSane(root);
  });
});
