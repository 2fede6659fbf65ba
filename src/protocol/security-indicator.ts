/**
 * The personal security indicator: a phrase, a colour and a glyph the user chose (or that
 * were drawn at random on first use), which Cachet's own pages show at their top when framed
 * into a webmail page. The page cannot read an extension frame and never receives the
 * indicator (background/allow-list.ts), so a page that imitates Cachet's frame cannot show
 * it: a missing or wrong phrase tells the user the frame is not Cachet's.
 */
import { CachetError } from '../errors';

/** Swatch names; each page style gives them colours with enough contrast for the glyph. */
export const INDICATOR_COLOURS = ['red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'grey'] as const;
export type IndicatorColour = (typeof INDICATOR_COLOURS)[number];

/** Letters and digits (an initial) and a few plain geometric shapes; no emoji, whose look varies by system. */
export const INDICATOR_GLYPHS: readonly string[] = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  '\u2605', // ★
  '\u25C6', // ◆
  '\u25CF', // ●
  '\u25B2', // ▲
  '\u25A0', // ■
];

/** In characters (code points): a short phrase fits the badge on one line. */
export const MAX_PHRASE_LENGTH = 64;

export interface SecurityIndicator {
  readonly phrase: string;
  readonly colour: IndicatorColour;
  readonly glyph: string;
}

function invalid(message: string): CachetError {
  return new CachetError('input/invalid', message);
}

/**
 * Control and format characters (line breaks, bidirectional overrides, zero-width marks)
 * could make two phrases look alike or break the badge's line, so the phrase has none.
 */
const hiddenCharacter = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/** Checks an indicator from a request or from storage; throws CachetError('input/invalid'). */
export function checkSecurityIndicator(raw: unknown): SecurityIndicator {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('the security indicator must be an object');
  const fields = raw as Record<string, unknown>;
  const extra = Object.keys(fields).find((k) => k !== 'phrase' && k !== 'colour' && k !== 'glyph');
  if (extra !== undefined) throw invalid(`unexpected field "${extra.slice(0, 40)}"`);
  const { phrase, colour, glyph } = fields;
  if (typeof phrase !== 'string' || phrase.trim() !== phrase || phrase.length === 0 || [...phrase].length > MAX_PHRASE_LENGTH) {
    throw invalid(`the phrase must be 1 to ${MAX_PHRASE_LENGTH} characters, without spaces at either end`);
  }
  if (hiddenCharacter.test(phrase)) throw invalid('the phrase may not contain line breaks or invisible characters');
  if (typeof colour !== 'string' || !(INDICATOR_COLOURS as readonly string[]).includes(colour)) throw invalid('the colour is not one of the swatches');
  if (typeof glyph !== 'string' || !INDICATOR_GLYPHS.includes(glyph)) throw invalid('the glyph is not one of the offered ones');
  return { phrase, colour: colour as IndicatorColour, glyph };
}
