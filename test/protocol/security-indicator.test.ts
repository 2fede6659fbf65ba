/** The security indicator's validator: only a short visible phrase, a named swatch and an offered glyph. */
import { describe, expect, it } from 'vitest';
import { checkSecurityIndicator, INDICATOR_COLOURS, INDICATOR_GLYPHS, MAX_PHRASE_LENGTH } from '../../src/protocol/security-indicator';
import { validateRequest } from '../../src/protocol/runtime-requests';
import { expectCachetError } from '../support/expect-cachet-error';

const good = { phrase: 'Grüße vom Kessel', colour: 'teal', glyph: 'K' };

describe('checkSecurityIndicator', () => {
  it('accepts every swatch and glyph, and a phrase of any script up to the limit', () => {
    for (const colour of INDICATOR_COLOURS) expect(checkSecurityIndicator({ ...good, colour }).colour).toBe(colour);
    for (const glyph of INDICATOR_GLYPHS) expect(checkSecurityIndicator({ ...good, glyph }).glyph).toBe(glyph);
    // Counted in characters: 64 letters outside the BMP are 128 UTF-16 units.
    const long = '\u{1D400}'.repeat(MAX_PHRASE_LENGTH);
    expect(checkSecurityIndicator({ ...good, phrase: long }).phrase).toBe(long);
    expect(checkSecurityIndicator({ ...good, phrase: '猫と月' }).phrase).toBe('猫と月');
  });

  it.each<[string, unknown]>([
    ['not an object', 'amber otter'],
    ['a list', [good]],
    ['null', null],
    ['an extra field', { ...good, html: '<b>' }],
    ['an empty phrase', { ...good, phrase: '' }],
    ['a phrase of blanks', { ...good, phrase: '   ' }],
    ['a phrase with a space at its end', { ...good, phrase: 'amber ' }],
    ['a phrase too long', { ...good, phrase: 'x'.repeat(MAX_PHRASE_LENGTH + 1) }],
    ['a phrase with a line break', { ...good, phrase: 'amber\notter' }],
    ['a phrase with a bidirectional override', { ...good, phrase: 'amber \u202Eretto' }],
    ['a phrase with a zero-width space', { ...good, phrase: 'amber\u200Botter' }],
    ['a phrase that is not text', { ...good, phrase: 42 }],
    ['a colour that is no swatch', { ...good, colour: '#ff0000' }],
    ['a missing colour', { phrase: 'amber', glyph: 'A' }],
    ['a lower-case glyph', { ...good, glyph: 'k' }],
    ['two glyphs', { ...good, glyph: 'AB' }],
    ['an emoji glyph', { ...good, glyph: '\u{1F512}' }],
  ])('refuses %s', (_name, raw) => {
    expectCachetError(() => checkSecurityIndicator(raw), 'input/invalid');
  });

  it('is the validator of indicator/set, and indicator/get takes nothing', () => {
    expect(validateRequest('indicator/set', good)).toEqual(good);
    expectCachetError(() => validateRequest('indicator/set', { ...good, phrase: '\u0000' }), 'input/invalid');
    expect(validateRequest('indicator/get', {})).toEqual({});
    expectCachetError(() => validateRequest('indicator/get', { phrase: 'x' }), 'input/invalid');
  });
});
