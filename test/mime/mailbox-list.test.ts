/** Addresses as typed into compose: split into entries, each read as one mailbox. */
import { describe, expect, it } from 'vitest';
import { parseMailbox, splitAddressList } from '../../src/mime/mailbox-list';

/** A typed refusal, as every hostile-input test here expects. */
const invalidInput = expect.objectContaining({ code: 'input/invalid' }) as unknown as Error;

describe('splitAddressList', () => {
  it('splits at commas, semicolons and line breaks, not inside quotes or brackets', () => {
    expect(splitAddressList('a@example.org, "Doe, Jane" <jane@example.org>;b@example.org\n <c,d@example.org>')).toEqual([
      'a@example.org', '"Doe, Jane" <jane@example.org>', 'b@example.org', '<c,d@example.org>',
    ]);
  });

  it('keeps escaped quotes inside a quoted name and drops empty entries', () => {
    expect(splitAddressList(' ,"A \\"x, y\\" B" <a@example.org>,, ')).toEqual(['"A \\"x, y\\" B" <a@example.org>']);
    expect(splitAddressList('')).toEqual([]);
  });

  it('refuses a list far beyond what a person types', () => {
    expect(() => splitAddressList('a'.repeat(300 * 1024))).toThrow(invalidInput);
  });
});

describe('parseMailbox', () => {
  it('reads the forms people type', () => {
    expect(parseMailbox(' bob@example.org ')).toEqual({ address: 'bob@example.org' });
    expect(parseMailbox('<bob@example.org>')).toEqual({ address: 'bob@example.org' });
    expect(parseMailbox('Bob Example <bob@example.org>')).toEqual({ name: 'Bob Example', address: 'bob@example.org' });
    expect(parseMailbox('"Doe, \\"J\\"" <jane@example.org>')).toEqual({ name: 'Doe, "J"', address: 'jane@example.org' });
    expect(parseMailbox('Jürgen Groß <jg@example.de>')).toEqual({ name: 'Jürgen Groß', address: 'jg@example.de' });
  });

  it.each([
    ['no address', 'Bob'],
    ['a bare name and brackets', 'Bob <>'],
    ['two at signs', 'a@b@example.org'],
    ['a header injection in the name', 'Bob\r\nBcc: eve@example.org <bob@example.org>'],
    ['a non-ASCII address', 'jürgen@example.de'],
    ['spaces in the address', 'bob smith@example.org'],
  ])('refuses %s with a typed error', (_name, text) => {
    expect(() => parseMailbox(text)).toThrow(invalidInput);
  });
});
