/** The reader's sender initial: from the display name when there is one, else the address. */
import { describe, expect, it } from 'vitest';
import { senderInitial } from '../../../src/ui/pages/reader/message-header';

describe('senderInitial', () => {
  it('takes the first letter or digit of the display name or of the address', () => {
    expect(senderInitial('Alice Example <alice@example.com>')).toBe('A');
    expect(senderInitial('"Östlund, Jörg" <j@example.org>')).toBe('Ö');
    expect(senderInitial('bob@example.com')).toBe('B');
    expect(senderInitial('<42@example.net>')).toBe('4');
  });

  it('has none when From has no letter or digit, as for a bare smime.p7m', () => {
    expect(senderInitial('')).toBeUndefined();
    expect(senderInitial('<>')).toBeUndefined();
  });
});
