/**
 * What of an HTML mail body Cachet shows, decided once for the reader's sanitiser
 * (src/ui/components/sanitize-html.ts) and for the text a reply or forward quotes
 * (shown-text.ts). Two attacks shape it:
 *
 * - EFAIL (Poddebniak et al., USENIX Security 2018): decrypted HTML must load nothing and
 *   send nothing anywhere, so no attribute or style that fetches survives, and a link is
 *   kept only when its target is a clean URL (an unclosed `href="http://evil/?` swallows
 *   the text after it up to the next quote, spaces, line breaks and markup included).
 * - Decryption and signing oracles (Müller et al., "Re: What's Up Johnny?", 2019): a
 *   reply quotes the original and is then signed or encrypted, so a quote must not hold
 *   text the reader did not show. Rather than guess which CSS hides text, the reader
 *   cannot hide any: elements whose content a browser never renders are dropped with it,
 *   elements that hide or move their content are unwrapped, the `hidden` and `popover`
 *   attributes go, and inline CSS keeps only declarations that can neither hide text nor
 *   load anything. What remains of the document is what the user sees, and the quote is
 *   its text.
 */

/**
 * Removed together with their content: content a browser never renders (templates,
 * fallbacks, form controls' options, head-only elements), or that loads or runs something
 * (frames, media, plugins, scripts), or foreign content. `form` is here because DOMPurify
 * removes a clobbered form with everything in it; a quote must drop what the reader drops.
 */
export const DROPPED_ELEMENTS: readonly string[] = [
  'script', 'style', 'title', 'template', 'noscript', 'noembed', 'noframes', 'iframe', 'frame', 'frameset',
  'xmp', 'plaintext', 'textarea', 'select', 'option', 'optgroup', 'datalist', 'svg', 'math', 'audio', 'video',
  'object', 'applet', 'embed', 'canvas', 'rp', 'form', 'head', 'portal', 'fencedframe',
];

/**
 * Removed with their content kept in place: elements that hide (closed `<details>`, a
 * `<dialog>` not open) or move (`<marquee>`) their content, or act (`<button>`).
 */
export const UNWRAPPED_ELEMENTS: readonly string[] = ['details', 'summary', 'dialog', 'marquee', 'button', 'label', 'fieldset', 'legend', 'slot'];

/** Empty elements that load, refer to a base or act; they carry no text. */
export const REMOVED_EMPTY_ELEMENTS: readonly string[] = ['link', 'meta', 'base', 'input', 'keygen', 'source', 'track', 'param', 'bgsound'];

/** Attributes that hide an element's content. */
export const HIDING_ATTRIBUTES: readonly string[] = ['hidden', 'popover'];

/** Attributes whose value a browser fetches without the user doing anything. */
const FETCHING_ATTRIBUTES = new Set([
  'src', 'srcset', 'lowsrc', 'dynsrc', 'background', 'poster', 'action', 'formaction', 'xlink:href', 'data', 'codebase',
  'ping', 'longdesc', 'manifest', 'icon', 'archive', 'classid', 'profile', 'imagesrcset', 'attributionsrc',
]);

/**
 * Whether an attribute may stay: nothing that fetches from the network (only data: images
 * display), and no attribute that hides. Links are `shownLink`'s decision.
 */
export function attributeKept(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (HIDING_ATTRIBUTES.includes(lower)) return false;
  if (FETCHING_ATTRIBUTES.has(lower)) return lower === 'src' && /^data:image\//i.test(value.trim());
  return true;
}

/** Longer than any link a person follows; longer ones are exfiltration, not navigation. */
const maxLinkLength = 2048;

/**
 * A link target the reader keeps: an absolute http, https or mailto URL with no white
 * space, quote, angle bracket, backslash or control character, which a real URL has
 * percent-encoded and text swallowed by an unclosed attribute has not (EFAIL's
 * direct exfiltration, and what Chromium's dangling-markup rule blocks). Anything else
 * (relative, javascript:, data:) is dropped: the link shows as its text.
 */
export function shownLink(href: string): string | undefined {
  const url = href.trim();
  if (url.length > maxLinkLength) return undefined;
  if (!/^(https?:\/\/[^/]|mailto:)/i.test(url)) return undefined;
  // eslint-disable-next-line no-control-regex -- whitespace and control characters in a link target are what is refused
  if (/[\s"'`<>\\\u0000-\u001f\u007f]/.test(url)) return undefined;
  return url;
}

/** CSS pixels per unit, for the bounds below. */
const unitPixels: Readonly<Record<string, number>> = {
  px: 1, pt: 4 / 3, pc: 16, in: 96, cm: 96 / 2.54, mm: 96 / 25.4, q: 96 / 101.6, em: 16, rem: 16, ex: 8, ch: 8, '%': 0.16,
};

/** No box, margin or font is larger than this: beyond it, text is pushed out of sight. */
const maxPixels = 2000;

interface Length {
  readonly value: number;
  readonly unit: string;
}

function parseLength(token: string): Length | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(px|pt|pc|in|cm|mm|q|em|rem|ex|ch|%)?$/i.exec(token);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  if (unit === '' && value !== 0) return undefined;
  return { value, unit };
}

function pixels(length: Length): number {
  return length.unit === '' ? 0 : length.value * (unitPixels[length.unit] ?? Infinity);
}

/** Non-negative lengths within bounds (negative values can move text off the page). */
function boundedLengths(value: string, keywords: readonly string[] = ['auto']): boolean {
  const tokens = value.split(/\s+/);
  return tokens.length <= 4 && tokens.every((token) => {
    if (keywords.includes(token)) return true;
    const length = parseLength(token);
    return length !== undefined && pixels(length) <= maxPixels;
  });
}

/**
 * Font sizes that stay readable: at least 8px absolute, keywords, or a relative size that
 * does not shrink (shrinking sizes compound when nested, down to nothing).
 */
function readableFontSize(value: string): boolean {
  if (['xx-small', 'x-small', 'small', 'medium', 'large', 'x-large', 'xx-large', 'xxx-large', 'larger'].includes(value)) return true;
  const length = parseLength(value);
  if (!length) return false;
  switch (length.unit) {
    case 'px': case 'pt': case 'pc': case 'in': case 'cm': case 'mm': case 'q':
      return pixels(length) >= 8 && pixels(length) <= 200;
    case 'em': case 'rem':
      return length.value >= (length.unit === 'rem' ? 0.5 : 1) && length.value <= 12;
    case '%':
      return length.value >= 100 && length.value <= 1200;
    default:
      return false;
  }
}

/** Opaque enough to read: CSS named colours except `transparent`, hex, rgb()/hsl() with alpha ≥ 0.5. */
function visibleColour(value: string): boolean {
  if (/^[a-z]+$/.test(value)) return value !== 'transparent';
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(value)?.[1];
  if (hex !== undefined) {
    if (hex.length === 3 || hex.length === 6) return true;
    const alpha = hex.length === 4 ? hex.slice(3).repeat(2) : hex.slice(6);
    return parseInt(alpha, 16) >= 0x80;
  }
  const call = /^(rgba?|hsla?)\(([^()]*)\)$/.exec(value);
  if (!call) return false;
  const parts = (call[2] ?? '').split(/\s*[,/]\s*|\s+/).filter((p) => p !== '');
  if (parts.length === 3) return parts.every((p) => /^-?[\d.]+(%|deg)?$/.test(p));
  if (parts.length !== 4 || !parts.every((p) => /^-?[\d.]+(%|deg)?$/.test(p))) return false;
  const alpha = parts[3] as string;
  return alpha.endsWith('%') ? Number(alpha.slice(0, -1)) >= 50 : Number(alpha) >= 0.5;
}

const keywordsOf = (...words: string[]) => (value: string): boolean => value.split(/\s+/).every((word) => words.includes(word));

const borderStyles = ['none', 'solid', 'dashed', 'dotted', 'double', 'groove', 'ridge', 'inset', 'outset'];
const borderWidths = ['thin', 'medium', 'thick'];
function border(value: string): boolean {
  const words = value.split(/\s+/);
  return words.length <= 3 && words.every((word) => borderStyles.includes(word) || borderWidths.includes(word) || boundedLengths(word, []) || visibleColour(word) || word === 'transparent');
}

/**
 * Inline CSS that can neither hide text nor load anything. Missing on purpose: display
 * values that hide, visibility, opacity, position and offsets, transform, overflow and
 * clipping, negative margins and indents, letter and word spacing, every image, and every
 * function but colours. A property not listed is dropped, so new CSS that hides is
 * dropped too.
 */
const STYLE_PROPERTIES: Readonly<Record<string, (value: string) => boolean>> = {
  color: visibleColour,
  'background-color': (value) => value === 'transparent' || visibleColour(value),
  'font-family': (value) => /^[\w\s,"'-]+$/.test(value),
  'font-size': readableFontSize,
  'font-weight': keywordsOf('normal', 'bold', 'bolder', 'lighter', '100', '200', '300', '400', '500', '600', '700', '800', '900'),
  'font-style': keywordsOf('normal', 'italic', 'oblique'),
  'font-variant': keywordsOf('normal', 'small-caps'),
  'text-decoration': (value) => value.split(/\s+/).every((word) => ['none', 'underline', 'overline', 'line-through', 'solid', 'double', 'dotted', 'dashed', 'wavy'].includes(word) || visibleColour(word)),
  'text-align': keywordsOf('left', 'right', 'center', 'justify', 'start', 'end'),
  'text-transform': keywordsOf('none', 'uppercase', 'lowercase', 'capitalize'),
  'vertical-align': keywordsOf('baseline', 'sub', 'super', 'top', 'middle', 'bottom', 'text-top', 'text-bottom'),
  'white-space': keywordsOf('normal', 'nowrap', 'pre', 'pre-wrap', 'pre-line', 'break-spaces'),
  'word-break': keywordsOf('normal', 'break-all', 'keep-all', 'break-word'),
  'overflow-wrap': keywordsOf('normal', 'break-word', 'anywhere'),
  'line-height': (value) => value === 'normal' || /^\d+(\.\d+)?$/.test(value) || boundedLengths(value, []),
  direction: keywordsOf('ltr', 'rtl'),
  display: keywordsOf('block', 'inline', 'inline-block', 'list-item', 'table', 'inline-table', 'table-row', 'table-cell',
    'table-row-group', 'table-header-group', 'table-footer-group', 'table-caption', 'flex', 'inline-flex'),
  float: keywordsOf('none', 'left', 'right'),
  clear: keywordsOf('none', 'left', 'right', 'both'),
  'list-style-type': (value) => /^[a-z-]+$/.test(value),
  'list-style-position': keywordsOf('inside', 'outside'),
  'border-collapse': keywordsOf('collapse', 'separate'),
  'border-spacing': (value) => boundedLengths(value, []),
  'table-layout': keywordsOf('auto', 'fixed'),
  'border-radius': (value) => boundedLengths(value, []),
  width: (value) => boundedLengths(value),
  height: (value) => boundedLengths(value),
  'min-width': (value) => boundedLengths(value),
  'min-height': (value) => boundedLengths(value),
  'max-width': (value) => boundedLengths(value, ['none']),
  'max-height': (value) => boundedLengths(value, ['none']),
  ...Object.fromEntries(['margin', 'padding'].flatMap((box) => ['', '-top', '-right', '-bottom', '-left'].map((side) => [`${box}${side}`, (value: string) => boundedLengths(value)]))),
  ...Object.fromEntries(['', '-top', '-right', '-bottom', '-left'].map((side) => [`border${side}`, border])),
  'border-color': (value) => value.split(/\s+/).every((word) => word === 'transparent' || visibleColour(word)),
  'border-style': keywordsOf(...borderStyles),
  'border-width': (value) => value.split(/\s+/).every((word) => borderWidths.includes(word) || boundedLengths(word, [])),
};

/** A style value no declaration may hold: escapes, comments, and every function but colours. */
function suspicious(style: string): boolean {
  return /\\|\/\*|@|&|<|>|\burl\b|image|expression|(?<!rgb|rgba|hsl|hsla)\(/i.test(style);
}

/**
 * The declarations of an inline style attribute the reader keeps, rewritten as
 * `property: value` pairs; empty when none is kept.
 */
export function shownStyle(style: string): string {
  if (suspicious(style)) return '';
  const kept: string[] = [];
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon === -1) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).replace(/!\s*important\s*$/i, '').trim().toLowerCase().replace(/\s+/g, ' ');
    const check = STYLE_PROPERTIES[property];
    if (check && value !== '' && check(value)) kept.push(`${property}: ${value}`);
  }
  return kept.join('; ');
}

/**
 * Elements whose default style shrinks their font relative to their parent's. Nested, they
 * compound towards nothing, so beyond `maxShrinkingDepth` of them the reader unwraps them.
 */
export const SHRINKING_ELEMENTS: readonly string[] = ['small', 'sub', 'sup', 'h5', 'h6', 'rt', 'ruby'];
export const maxShrinkingDepth = 2;
