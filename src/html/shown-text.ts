/**
 * The text of an HTML body as the reader shows it (shown-html.ts), for the quote of a
 * reply or forward, worked out without a DOM: the background, where quotes are made, has
 * none. Where tags, comments and raw text begin and end follows the HTML tokenizer (WHATWG
 * HTML §13.2.5). The tree builder can keep an element open longer than a tokenizer can
 * tell (misnested and ignored end tags, foreign content, templates), so a dropped element
 * ends here only at an end tag that certainly closes it, and after markup whose parsing
 * this does not follow nothing more is quoted: a quote may hold less than the reader
 * showed, never more (Müller et al., "Re: What's Up Johnny?", 2019).
 */
import { DROPPED_ELEMENTS } from './shown-html';

const dropped = new Set(DROPPED_ELEMENTS);

/** Elements without content or end tag (§13.1.2). */
const VOID_ELEMENTS = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'image', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/** Content read as text up to the element's own end tag (RAWTEXT, RCDATA, script data): never markup. */
export const RAW_TEXT_ELEMENTS: readonly string[] = ['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'title', 'textarea'];
const rawText = new Set(RAW_TEXT_ELEMENTS);

/**
 * After these the browser parses by rules this reading does not follow (foreign content,
 * template contents, select and frameset modes, plaintext to the end): nothing after one
 * is quoted. Each is dropped by the reader, with everything inside it.
 */
export const END_OF_QUOTE_ELEMENTS: readonly string[] = ['svg', 'math', 'template', 'select', 'frameset', 'plaintext'];
const endOfQuote = new Set(END_OF_QUOTE_ELEMENTS);

/** Elements a reader shows with a blank line around them. */
const PARAGRAPH_ELEMENTS = new Set(['blockquote', 'dl', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'ol', 'p', 'pre', 'table', 'ul']);

/** Elements a reader shows on lines of their own. */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'caption', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'legend', 'li', 'listing', 'main', 'menu',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tr', 'ul',
]);
const PREFORMATTED = new Set(['pre', 'listing']);

/** Latin-1's named references, U+00A0 to U+00FF in order (WHATWG HTML §13.5). */
const LATIN1_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro ' +
  'para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil ' +
  'Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave ' +
  'Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml ' +
  'igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ');

const ENTITIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(LATIN1_NAMES.map((name, index) => [name, String.fromCharCode(0xa0 + index)])),
  amp: '&', AMP: '&', lt: '<', LT: '<', gt: '>', GT: '>', quot: '"', QUOT: '"', apos: "'", COPY: '©', REG: '®',
  OElig: 'Œ', oelig: 'œ', Scaron: 'Š', scaron: 'š', Yuml: 'Ÿ', circ: 'ˆ', tilde: '˜', ensp: '\u2002', emsp: '\u2003',
  thinsp: '\u2009', zwnj: '\u200c', zwj: '\u200d', lrm: '\u200e', rlm: '\u200f', ndash: '–', mdash: '—', lsquo: '‘',
  rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', dagger: '†', Dagger: '‡', bull: '•', hellip: '…',
  permil: '‰', lsaquo: '‹', rsaquo: '›', euro: '€', trade: '™', larr: '←', rarr: '→', uarr: '↑', darr: '↓',
};

/** The longest character reference decoded here, `&` and `;` included. */
const maxReference = 34;

/** Character references as a browser decodes them in text; a name not known here stays as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, name: string) => {
    if (!name.startsWith('#')) return ENTITIES[name] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
  });
}

/** HTML's white space (§13.2.5.1, after CR is made LF). */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * The index after a tag's closing `>`, reading its attributes from `from` (the end of its
 * name) as §13.2.5.32–42 do: quotes count only around a value, and a `>` inside one does
 * not end the tag. -1 when the input ends first; the browser then drops the tag.
 */
function tagEnd(html: string, from: number): number {
  const n = html.length;
  let i = from;
  for (;;) {
    // Before attribute name; a solidus that is not `/>` is passed over the same way.
    while (i < n && (isSpace(html.charCodeAt(i)) || html[i] === '/')) i++;
    if (i >= n) return -1;
    if (html[i] === '>') return i + 1;
    // Attribute name: its first character is taken whatever it is, `=` included.
    i++;
    while (i < n && !isSpace(html.charCodeAt(i)) && html[i] !== '/' && html[i] !== '>' && html[i] !== '=') i++;
    while (i < n && isSpace(html.charCodeAt(i))) i++;
    if (i >= n) return -1;
    if (html[i] !== '=') continue;
    i++;
    while (i < n && isSpace(html.charCodeAt(i))) i++;
    if (i >= n) return -1;
    const quote = html[i];
    if (quote === '>') return i + 1;
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, i + 1);
      if (close === -1) return -1;
      i = close + 1;
      continue;
    }
    while (i < n && !isSpace(html.charCodeAt(i)) && html[i] !== '>') i++;
  }
}

function nameEnd(html: string, from: number): number {
  let i = from;
  while (i < html.length && !isSpace(html.charCodeAt(i)) && html[i] !== '/' && html[i] !== '>') i++;
  return i;
}

/** The index after the `>` that ends a comment opened at `at` (§13.2.5.43–52), or -1. */
function commentEnd(html: string, at: number): number {
  const body = at + 4;
  if (html[body] === '>') return body + 1;
  if (html.startsWith('->', body)) return body + 2;
  for (let dashes = html.indexOf('--', body); dashes !== -1; dashes = html.indexOf('--', dashes + 1)) {
    if (html[dashes + 2] === '>') return dashes + 3;
    if (html.startsWith('!>', dashes + 2)) return dashes + 4;
  }
  return -1;
}

/**
 * The index after the end tag that closes raw text begun at `from`, or -1 when nothing
 * certainly closes it. In script data `<!--` can start an escape in which `</script>`
 * does not end the script (§13.2.5.15–31); that is not followed, so it ends the quote.
 */
function rawTextEnd(html: string, from: number, name: string): number {
  const endTag = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'gi');
  endTag.lastIndex = from;
  const found = endTag.exec(html);
  if (!found) return -1;
  if (name === 'script' && html.slice(from, found.index).includes('<!--')) return -1;
  return tagEnd(html, found.index + 2 + name.length);
}

/** Collects the text, white space collapsed as a browser lays it out outside `<pre>`. */
class QuoteText {
  private readonly parts: string[] = [];
  private last = '\n';
  /** Line breaks at the end of what is collected; the start counts as a blank line. */
  private trailingBreaks = 2;
  private length = 0;

  constructor(private readonly maxChars: number) {}

  get full(): boolean {
    return this.length >= this.maxChars;
  }

  text(raw: string, preformatted: boolean): void {
    let text = preformatted ? raw.replace(/\r\n?/g, '\n') : raw.replace(/[\t\n\f\r ]+/g, ' ');
    if (!preformatted && (this.last === '\n' || this.last === ' ') && text.startsWith(' ')) text = text.slice(1);
    // Decoded a piece at a time, never much beyond the room left (decoding never lengthens
    // text), and never cutting a character reference in two.
    for (let at = 0; at < text.length && !this.full;) {
      let end = Math.min(text.length, at + this.maxChars - this.length + maxReference);
      const amp = text.lastIndexOf('&', end - 1);
      if (end < text.length && amp > at && amp > end - maxReference && !text.slice(amp, end).includes(';')) end = amp;
      this.push(decodeEntities(text.slice(at, end)));
      at = end;
    }
  }

  cellBreak(): void {
    if (this.last !== '\n' && this.last !== ' ') this.push(' ');
  }

  /** A `<br>`: always a new line. */
  lineBreak(): void {
    this.push('\n');
  }

  /** The edge of a block: a new line, or a blank line around a paragraph; never more. */
  blockEdge(paragraph: boolean): void {
    for (let breaks = this.trailingBreaks; breaks < (paragraph ? 2 : 1); breaks++) this.push('\n');
  }

  private push(text: string): void {
    if (text === '') return;
    this.parts.push(text);
    this.length += text.length;
    this.last = text[text.length - 1] as string;
    let breaks = 0;
    while (breaks < text.length && text[text.length - 1 - breaks] === '\n') breaks++;
    this.trailingBreaks = breaks === text.length ? this.trailingBreaks + breaks : breaks;
  }

  toString(): string {
    // Line by line: a pattern over the whole text would backtrack on long runs of spaces.
    return this.parts.join('').split('\n').map((line) => line.trimEnd()).join('\n').replace(/\n{3,}/g, '\n\n').trim();
  }
}

/**
 * The text the reader shows of `html`, with line breaks where it shows blocks, for a
 * plain-text quote. Reading stops once `maxChars` are collected.
 */
export function shownText(html: string, maxChars = Number.POSITIVE_INFINITY): string {
  const out = new QuoteText(maxChars);
  const n = html.length;
  /** Open elements of a dropped subtree, outermost first, while inside one. */
  let droppedOpen: string[] | undefined;
  let preformatted = 0;
  let i = 0;
  while (i < n && !out.full) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      if (droppedOpen === undefined) out.text(html.slice(i, textEnd), preformatted > 0);
      i = textEnd;
      continue;
    }
    const next = html.charCodeAt(i + 1);
    if (isLetter(next) || (html[i + 1] === '/' && isLetter(html.charCodeAt(i + 2)))) {
      const closing = html[i + 1] === '/';
      const nameStart = i + (closing ? 2 : 1);
      const afterName = nameEnd(html, nameStart);
      const name = html.slice(nameStart, afterName).toLowerCase();
      const after = tagEnd(html, afterName);
      if (after === -1) break;
      i = after;
      if (closing) {
        if (droppedOpen !== undefined) {
          // Closed only when it is the innermost element open: then every browser closes it too.
          if (droppedOpen.at(-1) === name) droppedOpen.pop();
          if (droppedOpen.length === 0) droppedOpen = undefined;
          continue;
        }
        if (name === 'br') out.lineBreak();
        else if (BLOCK_ELEMENTS.has(name)) out.blockEdge(PARAGRAPH_ELEMENTS.has(name));
        else if (name === 'td' || name === 'th') out.cellBreak();
        if (PREFORMATTED.has(name) && preformatted > 0) preformatted--;
        continue;
      }
      if (endOfQuote.has(name)) break;
      if (rawText.has(name)) {
        const end = rawTextEnd(html, i, name);
        if (end === -1) break;
        i = end;
        continue;
      }
      if (droppedOpen !== undefined) {
        // In the head, <body> ends it: the head holds nothing else open that could stay open.
        if (name === 'body' && droppedOpen.length === 1 && droppedOpen[0] === 'head') droppedOpen = undefined;
        else if (!VOID_ELEMENTS.has(name)) droppedOpen.push(name);
        continue;
      }
      if (dropped.has(name)) {
        if (!VOID_ELEMENTS.has(name)) droppedOpen = [name];
        continue;
      }
      if (name === 'br') out.lineBreak();
      else if (BLOCK_ELEMENTS.has(name)) out.blockEdge(PARAGRAPH_ELEMENTS.has(name));
      else if (name === 'td' || name === 'th') out.cellBreak();
      if (PREFORMATTED.has(name)) preformatted++;
      continue;
    }
    if (html.startsWith('<!--', i)) {
      const end = commentEnd(html, i);
      if (end === -1) break;
      i = end;
      continue;
    }
    if (html[i + 1] === '!' || html[i + 1] === '?' || html[i + 1] === '/') {
      // A doctype, a bogus comment, or `</>`; `</` at the very end is text.
      if (html[i + 1] === '/' && i + 2 >= n) {
        if (droppedOpen === undefined) out.text('</', preformatted > 0);
        break;
      }
      const close = html.indexOf('>', i + 2);
      if (close === -1) break;
      i = close + 1;
      continue;
    }
    if (droppedOpen === undefined) out.text('<', preformatted > 0);
    i++;
  }
  return out.toString();
}
