import fc from 'fast-check';
import { addressParser, decodeWords } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { expectCachetError } from '../support/expect-cachet-error';

import { encodeWords } from '../../src/mime/encoded-word-writer';
import {
  encodeAddressField,
  encodeStructuredField,
  encodeUnstructuredField,
  formatDate,
  type Mailbox,
} from '../../src/mime/encode-header';
import { encodeParameter, encodeParameterField, encodeWordParameter } from '../../src/mime/encode-parameter';
import { checkFieldLines, decodeEncodedWords, decodeParameters, fieldValue } from './header-decoding';

const subject = (text: string) => encodeUnstructuredField('Subject', text);
const decodedSubject = (text: string) => decodeEncodedWords(fieldValue(subject(text), 'Subject'));

const expectInvalid = (action: () => unknown): void => expectCachetError(action, 'input/invalid');

describe('RFC 2047 encoded words', () => {
  it('leaves plain ASCII text as it is', () => {
    expect(subject('Hello world')).toBe('Subject: Hello world\r\n');
    expect(subject('')).toBe('Subject: \r\n');
  });

  it('encodes only the non-ASCII words, with Q when it is shorter than B', () => {
    expect(subject('Hello Zürichsee-Konferenzzentrum again')).toBe('Subject: Hello =?UTF-8?Q?Z=C3=BCrichsee-Konferenzzentrum?= again\r\n');
    // "Wörld": Q needs 10 characters, B 8.
    expect(subject('Hello Wörld again')).toBe('Subject: Hello =?UTF-8?B?V8O2cmxk?= again\r\n');
  });

  it('chooses B when it is shorter, as for CJK or emoji', () => {
    const field = subject('日本語のメール');
    expect(field).toMatch(/=\?UTF-8\?B\?/);
    expect(decodedSubject('日本語のメール')).toBe('日本語のメール');
  });

  it('puts the spaces between adjacent non-ASCII words inside the encoded words', () => {
    const text = 'Grüße Köln';
    expect(subject(text)).toBe(`Subject: =?UTF-8?B?${Buffer.from(text).toString('base64')}?=\r\n`);
    expect(decodedSubject(text)).toBe(text);
    expect(subject('Grüße-aus-der-Schweiz Köln-Ehrenfeld')).toBe('Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe-aus-der-Schweiz_K=C3=B6ln-Ehrenfeld?=\r\n');
    // An ASCII word between them stays readable, with the spaces around it literal.
    expect(subject('Grüße aus Köln')).toBe('Subject: =?UTF-8?B?R3LDvMOfZQ==?= aus =?UTF-8?B?S8O2bG4=?=\r\n');
    expect(decodedSubject(text)).toBe(text);
  });

  it('keeps every word at most 75 characters and every character whole', () => {
    const text = '😀'.repeat(100) + ' é'.repeat(60);
    const field = subject(text);
    checkFieldLines(field);
    for (const word of field.match(/=\?[^?]+\?[BQ]\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodedSubject(text)).toBe(text);
  });

  it('folds long ASCII text at spaces within 78 columns, unfolding to the same text', () => {
    const text = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const field = subject(text);
    expect(field.split('\r\n').length).toBeGreaterThan(2);
    checkFieldLines(field);
    expect(fieldValue(field, 'Subject')).toBe(text);
  });

  it('never lets CR or LF through as line breaks (header injection)', () => {
    const text = 'Hi\r\nBcc: victim@example.com\nX: y';
    const field = subject(text);
    checkFieldLines(field);
    expect(field.slice(0, -2)).not.toMatch(/\r\n(?![ \t])/);
    expect(decodedSubject(text)).toBe(text);
  });

  it('keeps leading, trailing and repeated whitespace', () => {
    for (const text of ['  lead', 'trail  ', 'a   b', 'tab\there', ' ', '\t', 'x' + ' '.repeat(30) + 'y']) {
      checkFieldLines(subject(text));
      expect(decodedSubject(text)).toBe(text);
    }
  });

  it('encodes text that a decoder would take for an encoded word', () => {
    const text = 'see =?UTF-8?Q?x?= here';
    expect(subject(text)).not.toContain(' =?UTF-8?Q?x?= ');
    expect(decodedSubject(text)).toBe(text);
  });

  it('breaks an unbreakable long word into encoded words', () => {
    const text = 'a'.repeat(2000);
    const field = subject(text);
    checkFieldLines(field);
    expect(decodedSubject(text)).toBe(text);
  });

  it('round-trips arbitrary Unicode and keeps every line within limits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 80 }), (a, b) => {
        for (const text of [a, b, `${a} ${b}`]) {
          const field = subject(text);
          checkFieldLines(field);
          expect(decodedSubject(text)).toBe(text);
        }
      }),
    );
  });

  it('agrees with postal-mime’s decoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 120 }), (text) => {
        const value = fieldValue(subject(text), 'Subject');
        expect(decodeWords(value)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('encodeWords sizes words to the length asked for', () => {
    for (const max of [24, 40, 75]) {
      const words = encodeWords('Ünïcödé '.repeat(20), max);
      for (const word of words) expect(word.length).toBeLessThanOrEqual(max);
      expect(decodeEncodedWords(words.join(' '))).toBe('Ünïcödé '.repeat(20));
    }
  });
});

describe('address fields', () => {
  const from = (mailboxes: Mailbox[]) => encodeAddressField('From', mailboxes);

  it('writes a bare address and an atom display name as they are', () => {
    expect(from([{ address: 'a@example.com' }])).toBe('From: a@example.com\r\n');
    expect(from([{ name: 'John Smith', address: 'john@example.com' }])).toBe('From: John Smith <john@example.com>\r\n');
  });

  it('quotes display names with specials, escaping quote and backslash', () => {
    expect(from([{ name: 'Smith, John', address: 'j@example.com' }])).toBe('From: "Smith, John" <j@example.com>\r\n');
    expect(from([{ name: 'say "hi" \\o/', address: 'j@example.com' }])).toBe('From: "say \\"hi\\" \\\\o/" <j@example.com>\r\n');
  });

  it('encodes non-ASCII display names whole and leaves the address intact', () => {
    const field = from([{ name: 'Müller, Jürgen', address: 'jm@example.de' }]);
    expect(field).toContain('<jm@example.de>');
    const value = fieldValue(field, 'From');
    expect(value).not.toContain('"');
    expect(decodeEncodedWords(value)).toBe('Müller, Jürgen <jm@example.de>');
  });

  it('folds long lists after the commas', () => {
    const list = Array.from({ length: 12 }, (_, i) => ({ name: `Person Number${i}`, address: `person${i}@example.org` }));
    const field = encodeAddressField('To', list);
    checkFieldLines(field);
    expect(field.split('\r\n').length).toBeGreaterThan(3);
    expect(fieldValue(field, 'To')).toBe(list.map((m) => `${m.name} <${m.address}>`).join(', '));
  });

  it('rejects addresses that are malformed or would inject text', () => {
    for (const address of ['', 'no-at', '@example.com', 'a@', 'a b@example.com', 'a@example.com\r\nBcc: x@y', 'jü@example.com', 'a@exa<mple.com', `${'a'.repeat(250)}@example.com`]) {
      expectInvalid(() => from([{ address }]));
    }
    expectInvalid(() => from([]));
  });

  it('accepts quoted local parts and domain literals', () => {
    expect(from([{ address: '"john..doe"@example.com' }])).toBe('From: "john..doe"@example.com\r\n');
    expect(from([{ address: 'root@[192.0.2.1]' }])).toBe('From: root@[192.0.2.1]\r\n');
  });

  it('reads back through postal-mime’s address parser', () => {
    const mailbox = fc.record({
      name: fc.string({ unit: 'grapheme', maxLength: 60 }).map((name) => name.replace(/[\r\n]/g, ' ')),
      address: fc.constantFrom('a@example.com', 'first.last@sub.example.org', 'x+tag@example.net'),
    });
    fc.assert(
      fc.property(fc.array(mailbox, { minLength: 1, maxLength: 6 }), (mailboxes) => {
        const field = encodeAddressField('To', mailboxes);
        checkFieldLines(field);
        const parsed = addressParser(fieldValue(field, 'To'), { flatten: true });
        expect(parsed.map((m) => m.address)).toEqual(mailboxes.map((m) => m.address));
        // postal-mime collapses and trims whitespace in plain names; compare the same way.
        const squash = (name: string) => name.replace(/\s+/g, ' ').trim();
        expect(parsed.map((m) => squash(m.name))).toEqual(mailboxes.map((m) => squash(m.name)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('parameters (RFC 2045 §5.1, RFC 2231)', () => {
  const disposition = (filename: string) => encodeParameterField('Content-Disposition', 'attachment', encodeParameter('filename', filename));

  it('writes tokens bare and other ASCII quoted', () => {
    expect(encodeParameterField('Content-Type', 'text/plain', encodeParameter('charset', 'utf-8'))).toBe('Content-Type: text/plain; charset=utf-8\r\n');
    expect(disposition('my file.pdf')).toBe('Content-Disposition: attachment; filename="my file.pdf"\r\n');
    expect(disposition('a"b\\c')).toBe('Content-Disposition: attachment; filename="a\\"b\\\\c"\r\n');
  });

  it('uses an RFC 2231 extended value for non-ASCII names', () => {
    expect(disposition('Résumé.pdf')).toBe("Content-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf\r\n");
  });

  it('splits long non-ASCII names into numbered sections, charset on the first only', () => {
    const name = 'Ünïcödé Ñåmé '.repeat(8) + '.pdf';
    const field = disposition(name);
    checkFieldLines(field);
    expect(field).toContain("filename*0*=UTF-8''");
    expect(field).toContain('filename*1*=');
    expect(field).not.toMatch(/filename\*1\*=UTF-8/);
    expect(decodeParameters(fieldValue(field, 'Content-Disposition')).get('filename')).toBe(name);
  });

  it('splits long ASCII names into quoted continuations', () => {
    const name = `${'long name '.repeat(15)}.txt`;
    const field = disposition(name);
    checkFieldLines(field);
    expect(field).toContain('filename*0="');
    expect(decodeParameters(fieldValue(field, 'Content-Disposition')).get('filename')).toBe(name);
  });

  it('writes an RFC 2047 name= fallback in quotes for old clients', () => {
    expect(encodeWordParameter('name', 'Grüße.txt')).toEqual(['name="=?UTF-8?B?R3LDvMOfZS50eHQ=?="']);
    expect(encodeWordParameter('name', 'Übersicht-Quartalszahlen.pdf')).toEqual(['name="=?UTF-8?Q?=C3=9Cbersicht-Quartalszahlen=2Epdf?="']);
    expect(encodeWordParameter('name', 'plain.txt')).toEqual(['name=plain.txt']);
    const long = encodeParameterField('Content-Type', 'application/pdf', [encodeWordParameter('name', 'Größe '.repeat(30))]);
    checkFieldLines(long);
    const value = decodeParameters(fieldValue(long, 'Content-Type')).get('name')!;
    expect(decodeEncodedWords(value)).toBe('Größe '.repeat(30));
  });

  it('round-trips any file name through the independent RFC 2231 decoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 150 }), (name) => {
        const field = disposition(name);
        checkFieldLines(field);
        expect(decodeParameters(fieldValue(field, 'Content-Disposition')).get('filename')).toBe(name);
      }),
    );
  });

  it('rejects bad parameter names and values', () => {
    expectInvalid(() => encodeParameter('file name', 'x'));
    expectInvalid(() => encodeParameter('a*', 'x'));
    expectInvalid(() => encodeParameterField('Content-Type', 'text plain', []));
  });
});

describe('other fields', () => {
  it('formats dates per RFC 5322 §3.3 in UTC', () => {
    expect(formatDate(new Date(Date.UTC(2026, 10, 5, 6, 4, 9)))).toBe('Thu, 5 Nov 2026 06:04:09 +0000');
    expectInvalid(() => formatDate(new Date(Number.NaN)));
  });

  it('rejects non-ASCII structured values and bad field names', () => {
    expectInvalid(() => encodeStructuredField('Message-ID', '<ü@x>'));
    expectInvalid(() => encodeUnstructuredField('Bad Name', 'x'));
    expectInvalid(() => encodeUnstructuredField('Bad:Name', 'x'));
  });
});
