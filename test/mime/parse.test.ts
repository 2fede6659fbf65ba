import { describe, expect, it } from 'vitest';
import { CachetError } from '../../src/errors';
import {
  allParts,
  bodyBytes,
  contentDisposition,
  decodedBody,
  decodedText,
  decodeEncodedWords,
  fileName,
  headerValue,
  headerValues,
  parseContentType,
  parseMessage,
  partBytes,
  type ByteRange,
  type MimePart,
} from '../../src/mime';

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const lines = (eol: string, ...rows: string[]): Uint8Array => bytesOf(rows.join(eol));
const at = (part: MimePart, range: ByteRange | undefined): string | undefined =>
  range && latin1(part.source.subarray(range.start, range.end));
const child = (part: MimePart, ...path: number[]): MimePart => {
  let current = part;
  for (const i of path) {
    const next = current.children[i];
    if (!next) throw new Error(`no child ${i}`);
    current = next;
  }
  return current;
};

describe('headers', () => {
  it('splits CRLF headers and keeps their byte ranges', () => {
    const source = lines('\r\n', 'From: a@example.com', 'Subject: hi', '', 'body', '');
    const root = parseMessage(source);
    expect(root.headers.map((h) => [h.name, h.value])).toEqual([['From', 'a@example.com'], ['Subject', 'hi']]);
    expect(at(root, root.headers[1]?.range)).toBe('Subject: hi\r\n');
    expect(at(root, root.headerRange)).toBe('From: a@example.com\r\nSubject: hi\r\n');
    expect(at(root, root.bodyRange)).toBe('body\r\n');
    expect(root.range).toEqual({ start: 0, end: source.length });
    expect(root.contentType).toEqual({ mediaType: 'text/plain', params: {} });
    expect(root.transferEncoding).toBe('7bit');
    expect(root.warnings).toEqual([]);
  });

  it('accepts bare LF line breaks', () => {
    const root = parseMessage(lines('\n', 'From: a@example.com', 'Content-Type: text/html', '', '<p>x</p>', ''));
    expect(root.contentType.mediaType).toBe('text/html');
    expect(at(root, root.headerRange)).toBe('From: a@example.com\nContent-Type: text/html\n');
    expect(at(root, root.bodyRange)).toBe('<p>x</p>\n');
  });

  it('unfolds folded fields and keeps the fold in the range', () => {
    const root = parseMessage(lines('\r\n', 'Subject: one', '  two', '\tthree', 'X-Other : spaced name', '', ''));
    expect(headerValue(root, 'subject')).toBe('one  two\tthree');
    expect(at(root, root.headers[0]?.range)).toBe('Subject: one\r\n  two\r\n\tthree\r\n');
    expect(headerValue(root, 'X-OTHER')).toBe('spaced name');
  });

  it('finds all values of a repeated field, case-insensitively', () => {
    const root = parseMessage(lines('\r\n', 'Received: one', 'received: two', '', ''));
    expect(headerValues(root, 'RECEIVED')).toEqual(['one', 'two']);
    expect(headerValue(root, 'Received')).toBe('one');
    expect(headerValue(root, 'Missing')).toBeUndefined();
  });

  it('keeps 8-bit UTF-8 header text (RFC 6532) and falls back to windows-1252', () => {
    const root = parseMessage(utf8('Subject: Grüße\r\n\r\n'));
    expect(headerValue(root, 'subject')).toBe('Grüße');
    const latin = parseMessage(new Uint8Array([...bytesOf('Subject: '), 0xe9, ...bytesOf('\r\n\r\n')]));
    expect(headerValue(latin, 'subject')).toBe('é');
  });

  it('starts the body at a line that is not a field when the blank line is missing', () => {
    const root = parseMessage(lines('\r\n', 'Subject: x', 'not a header', 'more'));
    expect(root.headers).toHaveLength(1);
    expect(at(root, root.bodyRange)).toBe('not a header\r\nmore');
    expect(root.warnings.join()).toContain('not a header field');
  });

  it('parses a message that is only headers', () => {
    const root = parseMessage(lines('\r\n', 'Subject: x', ''));
    expect(root.headers).toHaveLength(1);
    expect(root.bodyRange).toEqual({ start: root.range.end, end: root.range.end });
  });

  it('skips an mbox "From " line before the headers', () => {
    const root = parseMessage(lines('\n', 'From someone@example.com Mon Jan  1 00:00:00 2024', 'Subject: x', '', 'b'));
    expect(headerValue(root, 'subject')).toBe('x');
    expect(root.range.start).toBe(0);
    expect(at(root, root.headerRange)).toBe('Subject: x\n');
    expect(root.warnings.join()).toContain('mbox');
  });

  it('uses the first of two Content-Type fields and says so', () => {
    const root = parseMessage(lines('\r\n', 'Content-Type: text/html', 'Content-Type: image/png', '', ''));
    expect(root.contentType.mediaType).toBe('text/html');
    expect(root.warnings.join()).toContain('more than one content-type');
  });
});

describe('Content-Type and Content-Disposition', () => {
  it('reads quoted strings with escapes, comments and case', () => {
    const { contentType, warnings } = parseContentType('Text/PLAIN (a comment (nested)) ; Charset = "utf-8" ; name="a \\"q\\" b.txt" (c)');
    expect(contentType).toEqual({ mediaType: 'text/plain', params: { charset: 'utf-8', name: 'a "q" b.txt' } });
    expect(warnings).toEqual([]);
  });

  it('falls back to text/plain when the media type is unreadable (RFC 2045 §5.2)', () => {
    const parsed = parseContentType('garbage; charset=utf-8');
    expect(parsed.contentType).toEqual({ mediaType: 'text/plain', params: { charset: 'utf-8' } });
    expect(parsed.valid).toBe(false);
    expect(parsed.warnings.join()).toContain('unreadable media type');
  });

  it('tolerates a missing semicolon and unquoted values with spaces', () => {
    const parsed = parseContentType('application/pdf name=my file.pdf; size=3');
    expect(parsed.contentType.params).toEqual({ name: 'my file.pdf', size: '3' });
    expect(parsed.warnings.length).toBeGreaterThan(0);
  });

  it('joins RFC 2231 continuations and decodes their charset', () => {
    const parsed = parseContentType(
      "application/pdf; name*0*=utf-8'de'Gr%C3%BC; name*1*=%C3%9Fe; name*2=\" aus Köln.pdf\"; name=fallback.pdf",
    );
    expect(parsed.contentType.params['name']).toBe('Grüße aus Köln.pdf');
  });

  it('decodes a single RFC 2231 extended value in ISO-8859-1', () => {
    const parsed = parseContentType("text/plain; title*=iso-8859-1'en'%A3%20rates");
    expect(parsed.contentType.params['title']).toBe('£ rates');
  });

  it('joins plain continuations and warns about gaps', () => {
    expect(parseContentType('text/plain; url*0="http://a/"; url*1="b"').contentType.params['url']).toBe('http://a/b');
    const gap = parseContentType('text/plain; url*0="a"; url*2="c"');
    expect(gap.contentType.params['url']).toBe('a');
    expect(gap.warnings.join()).toContain('gap');
  });

  it('reads a disposition with an RFC 2047 file name through fileName()', () => {
    const root = parseMessage(lines('\r\n',
      'Content-Type: application/octet-stream; name="other"',
      'Content-Disposition: ATTACHMENT; filename="=?UTF-8?B?UmVjaG51bmcgw6Rsdi5wZGY=?="',
      '', ''));
    expect(contentDisposition(root)?.type).toBe('attachment');
    expect(fileName(root)).toBe('Rechnung älv.pdf');
  });
});

describe('RFC 2047 encoded words', () => {
  it('decodes B and Q words', () => {
    expect(decodeEncodedWords('=?utf-8?B?w6TDtsO8?= and =?ISO-8859-1?Q?caf=E9_au_lait?=')).toBe('äöü and café au lait');
  });

  it('drops whitespace between adjacent words but keeps it around text (§6.2)', () => {
    expect(decodeEncodedWords('=?utf-8?q?a?= \r\n =?utf-8?q?b?= c =?utf-8?q?d?=')).toBe('ab c d');
  });

  it('joins a multi-byte character split across two words', () => {
    // "€" is E2 82 AC in UTF-8; the sender split it after the first byte.
    expect(decodeEncodedWords('=?UTF-8?Q?=E2?= =?UTF-8?Q?=82=AC?=')).toBe('€');
  });

  it('accepts an RFC 2231 language suffix on the charset', () => {
    expect(decodeEncodedWords('=?utf-8*de?q?Gr=C3=BC=C3=9Fe?=')).toBe('Grüße');
  });

  it('leaves unknown charsets and broken words as written', () => {
    expect(decodeEncodedWords('=?x-unknown-cs?q?abc?=')).toBe('=?x-unknown-cs?q?abc?=');
    expect(decodeEncodedWords('=?utf-8?b?###?=')).toBe('=?utf-8?b?###?=');
    expect(decodeEncodedWords('=?utf-8?q?bad=ZZ?=')).toBe('=?utf-8?q?bad=ZZ?=');
    expect(decodeEncodedWords('plain text')).toBe('plain text');
  });
});

describe('transfer encodings', () => {
  const leaf = (encoding: string, body: string, type = 'text/plain; charset=utf-8'): MimePart =>
    parseMessage(bytesOf(`Content-Type: ${type}\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}`));

  it('decodes quoted-printable: soft breaks, hex, trailing whitespace, malformed =', () => {
    const part = leaf('Quoted-Printable', 'caf=C3=A9 =\r\nau lait   \r\nx=3d=3Dy = z=\r\n=e2=82=ac=4');
    expect(part.transferEncoding).toBe('quoted-printable');
    expect(decodedText(part)).toBe('café au lait\r\nx==y = z€=4');
  });

  it('decodes base64 across line breaks, junk and concatenated padding', () => {
    expect(latin1(decodedBody(leaf('base64', 'aGVs\r\nbG8g\r\n  d29y*bGQ=\r\n')))).toBe('hello world');
    expect(latin1(decodedBody(leaf('base64', 'YQ==Yg==YWJj')))).toBe('ababc');
    expect(latin1(decodedBody(leaf('base64', 'YWJjZA')))).toBe('abcd');
  });

  it('leaves 7bit, 8bit and binary bodies as views of the source', () => {
    for (const encoding of ['7bit', '8bit', 'binary', 'x-unknown']) {
      const part = leaf(encoding, 'a\rb\0c\r\n');
      const body = decodedBody(part);
      expect(body.buffer).toBe(part.source.buffer);
      expect(latin1(body)).toBe('a\rb\0c\r\n');
    }
  });

  it('reads the mechanism past a comment in Content-Transfer-Encoding', () => {
    expect(leaf('BASE64 (encoded)', 'YQ==').transferEncoding).toBe('base64');
  });

  it('decodes text in its declared charset, falling back for unknown labels', () => {
    expect(decodedText(leaf('8bit', '\xe9t\xe9', 'text/plain; charset=iso-8859-1'))).toBe('été');
    expect(decodedText(leaf('8bit', 'Gr\xc3\xbc\xc3\x9fe', 'text/plain; charset=x-bogus'))).toBe('Grüße');
    expect(decodedText(leaf('8bit', '\xe9', 'text/plain; charset=us-ascii'))).toBe('é');
  });
});

describe('multipart', () => {
  const mixed = (eol: string): Uint8Array => lines(eol,
    'Content-Type: multipart/mixed; boundary="XX"',
    '',
    'preamble line',
    '--XX',
    'Content-Type: text/plain',
    '',
    'first',
    '--XX  ',
    '',
    'second (no headers)',
    '--XX--',
    'epilogue',
    '');

  for (const [label, eol] of [['CRLF', '\r\n'], ['bare LF', '\n']] as const) {
    it(`splits parts, preamble and epilogue (${label})`, () => {
      const root = parseMessage(mixed(eol));
      expect(root.warnings).toEqual([]);
      expect(root.children).toHaveLength(2);
      expect(at(root, root.preamble)).toBe('preamble line');
      expect(at(root, root.epilogue)).toBe(`epilogue${eol}`);
      const [first, second] = root.children as [MimePart, MimePart];
      expect(at(first, first.range)).toBe(`Content-Type: text/plain${eol}${eol}first`);
      expect(at(first, first.bodyRange)).toBe('first');
      expect(second.headers).toEqual([]);
      expect(second.contentType.mediaType).toBe('text/plain');
      expect(at(second, second.range)).toBe(`${eol}second (no headers)`);
      expect(at(second, second.bodyRange)).toBe('second (no headers)');
    });
  }

  it('gives the line break before a delimiter to the delimiter (RFC 2046 §5.1.1)', () => {
    const root = parseMessage(lines('\r\n',
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=b',
      '', '--b', 'Content-Type: text/plain', '', 'signed text', '', '--b',
      'Content-Type: application/pkcs7-signature', '', 'MIAG', '--b--', ''));
    const first = child(root, 0);
    expect(latin1(partBytes(first))).toBe('Content-Type: text/plain\r\n\r\nsigned text\r\n');
    expect(latin1(bodyBytes(first))).toBe('signed text\r\n');
  });

  it('treats the boundary inside content as content', () => {
    const root = parseMessage(lines('\r\n',
      'Content-Type: multipart/mixed; boundary=abc',
      '',
      '--abc',
      '',
      'text --abc inside a line',
      '--abcdef is a longer boundary',
      ' --abc indented',
      '--abc-- trailing words',
      '--ab',
      '--abc',
      '',
      'second',
      '--abc--'));
    expect(root.children).toHaveLength(2);
    expect(at(root, child(root, 0).bodyRange)).toBe(
      'text --abc inside a line\r\n--abcdef is a longer boundary\r\n --abc indented\r\n--abc-- trailing words\r\n--ab');
    expect(at(root, child(root, 1).bodyRange)).toBe('second');
    expect(root.epilogue).toBeUndefined();
  });

  it('keeps nested multiparts apart by their boundaries', () => {
    const root = parseMessage(lines('\r\n',
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      '',
      'plain',
      '--inner',
      'Content-Type: text/html',
      '',
      '<b>html</b>',
      '--inner--',
      '--outer',
      'Content-Type: application/octet-stream',
      '',
      'data',
      '--outer--',
      ''));
    expect(allParts(root).map((p) => p.contentType.mediaType)).toEqual([
      'multipart/mixed', 'multipart/alternative', 'text/plain', 'text/html', 'application/octet-stream',
    ]);
    expect(at(root, child(root, 0, 1).bodyRange)).toBe('<b>html</b>');
    expect(at(root, child(root, 1).bodyRange)).toBe('data');
    expect(allParts(root).flatMap((p) => p.warnings)).toEqual([]);
  });

  it('parses to the end with a warning when the close delimiter is missing', () => {
    const root = parseMessage(lines('\r\n', 'Content-Type: multipart/mixed; boundary=q', '', '--q', '', 'one', '--q', '', 'two', 'cut off'));
    expect(root.children.map((c) => at(c, c.bodyRange))).toEqual(['one', 'two\r\ncut off']);
    expect(root.warnings.join()).toContain('missing close delimiter');
  });

  it('warns and keeps no parts when the boundary is missing or never appears', () => {
    const noParam = parseMessage(lines('\r\n', 'Content-Type: multipart/mixed', '', '--x', '', 'a', '--x--'));
    expect(noParam.children).toEqual([]);
    expect(noParam.warnings.join()).toContain('without boundary');
    const absent = parseMessage(lines('\r\n', 'Content-Type: multipart/mixed; boundary=zz', '', '--x', ''));
    expect(absent.children).toEqual([]);
    expect(absent.warnings.join()).toContain('never appears');
  });

  it('defaults the parts of a multipart/digest to message/rfc822 (RFC 2046 §5.1.5)', () => {
    const root = parseMessage(lines('\r\n', 'Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: inner', '', 'hello', '--d--'));
    const message = child(root, 0);
    expect(message.contentType.mediaType).toBe('message/rfc822');
    expect(headerValue(child(message, 0), 'subject')).toBe('inner');
  });
});

describe('message/rfc822', () => {
  it('parses the embedded message as the one child, ranges into the same source', () => {
    const root = parseMessage(lines('\r\n',
      'Content-Type: multipart/mixed; boundary=m',
      '',
      '--m',
      'Content-Type: message/rfc822',
      '',
      'Subject: forwarded',
      'Content-Type: multipart/alternative; boundary=n',
      '',
      '--n',
      '',
      'inner text',
      '--n--',
      '--m--'));
    const wrapper = child(root, 0);
    const embedded = child(wrapper, 0);
    expect(embedded.source).toBe(root.source);
    expect(embedded.range).toEqual(wrapper.bodyRange);
    expect(headerValue(embedded, 'subject')).toBe('forwarded');
    expect(at(root, child(embedded, 0).bodyRange)).toBe('inner text');
  });

  it('leaves a base64-encoded message/rfc822 as a leaf with a warning', () => {
    const root = parseMessage(lines('\r\n', 'Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', 'U3ViamVjdDogeA0KDQo='));
    expect(root.children).toEqual([]);
    expect(root.warnings.join()).toContain('not parsed');
    expect(latin1(decodedBody(root))).toBe('Subject: x\r\n\r\n');
  });
});

describe('S/MIME kinds', () => {
  const kindOf = (headers: string, body = ''): string => parseMessage(bytesOf(`${headers}\r\n\r\n${body}`)).smimeKind;
  // DER prefixes of base64 ContentInfo bodies: SEQUENCE (indefinite) then the content type OID.
  const envelopedB64 = Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03, 0xa0]).toString('base64');
  const signedB64 = Buffer.from([0x30, 0x82, 0x01, 0x00, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]).toString('base64');

  it('reads smime-type for every RFC 8551 value, old x- names included', () => {
    expect(kindOf('Content-Type: application/pkcs7-mime; smime-type=enveloped-data')).toBe('enveloped-data');
    expect(kindOf('Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data')).toBe('auth-enveloped-data');
    expect(kindOf('Content-Type: application/x-pkcs7-mime; smime-type="signed-data"')).toBe('signed-data');
    expect(kindOf('Content-Type: application/pkcs7-mime; smime-type=certs-only')).toBe('certs-only');
    expect(kindOf('Content-Type: application/pkcs7-mime; smime-type=compressed-data')).toBe('compressed-data');
    expect(kindOf('Content-Type: application/pkcs7-signature')).toBe('detached-signature');
    expect(kindOf('Content-Type: application/x-pkcs7-signature')).toBe('detached-signature');
  });

  it('sniffs the ContentInfo OID when smime-type is absent', () => {
    const b64 = 'Content-Transfer-Encoding: base64';
    expect(kindOf(`Content-Type: application/pkcs7-mime; name=smime.p7m\r\n${b64}`, envelopedB64)).toBe('enveloped-data');
    expect(kindOf(`Content-Type: application/pkcs7-mime\r\n${b64}`, signedB64)).toBe('signed-data');
    expect(kindOf(`Content-Type: application/pkcs7-mime\r\n${b64}`, 'AAAA')).toBe('pkcs7-unknown');
  });

  it('uses the file name of an application/octet-stream part (RFC 8551 §3.2.1)', () => {
    const b64 = 'Content-Transfer-Encoding: base64';
    expect(kindOf(`Content-Type: application/octet-stream; name=smime.p7m\r\n${b64}`, envelopedB64)).toBe('enveloped-data');
    expect(kindOf(`Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=smime.p7s`)).toBe('detached-signature');
    expect(kindOf('Content-Type: application/octet-stream; name=certs.p7c')).toBe('certs-only');
    expect(kindOf('Content-Type: application/octet-stream; name=report.pdf')).toBe('none');
  });

  it('recognises multipart/signed only with an S/MIME protocol', () => {
    const signed = (protocol: string): string => kindOf(`Content-Type: multipart/signed; ${protocol}boundary=s`, '--s\r\n\r\nx\r\n--s\r\nContent-Type: application/pkcs7-signature\r\n\r\n\r\n--s--');
    expect(signed('protocol="application/pkcs7-signature"; ')).toBe('multipart-signed');
    expect(signed('protocol="application/x-pkcs7-signature"; ')).toBe('multipart-signed');
    expect(signed('protocol="application/pgp-signature"; ')).toBe('none');
    expect(signed('')).toBe('multipart-signed');
  });
});

describe('limits', () => {
  const nested = (depth: number): Uint8Array => {
    const head: string[] = [];
    const tail: string[] = [];
    for (let i = 0; i < depth; i++) {
      head.push(`Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`);
      tail.unshift(`\r\n--b${i}--`);
    }
    return bytesOf(`${head.join('')}\r\nleaf${tail.join('')}`);
  };

  it('leaves bodies deeper than maxDepth unparsed, with a warning', () => {
    const root = parseMessage(nested(10), { maxDepth: 4 });
    const parts = allParts(root);
    expect(parts).toHaveLength(5);
    const deepest = parts[4] as MimePart;
    expect(deepest.children).toEqual([]);
    expect(deepest.warnings.join()).toContain('deeper than 4');
  });

  it('parses nesting within the limit completely', () => {
    const parts = allParts(parseMessage(nested(10)));
    expect(parts).toHaveLength(11);
    expect(parts.flatMap((p) => p.warnings)).toEqual([]);
    expect(latin1(bodyBytes(parts[10] as MimePart))).toBe('leaf');
  });

  it('throws mime/too-large past maxParts', () => {
    const many = bytesOf(`Content-Type: multipart/mixed; boundary=p\r\n\r\n${'--p\r\n\r\nx\r\n'.repeat(50)}--p--`);
    expect(allParts(parseMessage(many, { maxParts: 51 }))).toHaveLength(51);
    expect(() => parseMessage(many, { maxParts: 50 })).toThrow(CachetError);
    try {
      parseMessage(many, { maxParts: 50 });
    } catch (error) {
      expect((error as CachetError).code).toBe('mime/too-large');
    }
  });

  it('parses empty input as an empty text/plain message', () => {
    const root = parseMessage(new Uint8Array());
    expect(root.range).toEqual({ start: 0, end: 0 });
    expect(root.contentType.mediaType).toBe('text/plain');
    expect(root.children).toEqual([]);
  });
});
