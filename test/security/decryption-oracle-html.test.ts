// @vitest-environment jsdom
/**
 * Decryption and signing oracles through hidden HTML (Müller et al., "Re: What's Up
 * Johnny?", 2019): text the reader does not show, quoted into a reply that the user then
 * signs or encrypts, leaks or signs what the user never saw. The quote (shown-text.ts, no
 * DOM) is held here against what the reader's own sanitiser leaves of the same HTML, parsed
 * as the reader's frame parses it (jsdom follows the HTML parsing spec): every marked word
 * quoted is a word shown, and what is shown hides nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DROPPED_ELEMENTS, HIDING_ATTRIBUTES, maxShrinkingDepth, SHRINKING_ELEMENTS, shownStyle, UNWRAPPED_ELEMENTS } from '../../src/html/shown-html';
import { END_OF_QUOTE_ELEMENTS, RAW_TEXT_ELEMENTS, shownText } from '../../src/html/shown-text';
import { sandboxedDocument } from '../../src/ui/components/sanitize-html';

/** The reader's frame document for `html`, as the frame parses it. */
function readerDocument(html: string): Document {
  return new DOMParser().parseFromString(sandboxedDocument(html), 'text/html');
}

/**
 * Markers in the test HTML: ⟦…⟧ delimits itself, so a marker is found whether or not the
 * reader's text runs it into the words around it (inline and unwrapped elements do).
 */
const markers = (text: string): string[] => text.match(/⟦[^⟦⟧]*⟧/g) ?? [];

/** Markers the quote holds more often than the reader shows them. */
function unshownMarkers(quoted: string, shown: string): string[] {
  const available = new Map<string, number>();
  for (const marker of markers(shown)) available.set(marker, (available.get(marker) ?? 0) + 1);
  return markers(quoted).filter((marker) => {
    const left = available.get(marker) ?? 0;
    available.set(marker, left - 1);
    return left <= 0;
  });
}

/** Whatever in the reader's document could keep its text from the user's eyes. */
function hidingInDocument(doc: Document): string[] {
  const found: string[] = [];
  for (const element of Array.from(doc.body.querySelectorAll('*'))) {
    const name = element.localName;
    if (DROPPED_ELEMENTS.includes(name) || UNWRAPPED_ELEMENTS.includes(name)) found.push(`<${name}>`);
    for (const attribute of HIDING_ATTRIBUTES) if (element.hasAttribute(attribute)) found.push(`${attribute} on <${name}>`);
    const style = element.getAttribute('style');
    if (style !== null && shownStyle(style) !== style) found.push(`style "${style}"`);
    if (SHRINKING_ELEMENTS.includes(name)) {
      let depth = 0;
      for (let parent = element.parentElement; parent; parent = parent.parentElement) if (SHRINKING_ELEMENTS.includes(parent.localName)) depth++;
      if (depth > maxShrinkingDepth) found.push(`<${name}> nested ${depth} deep`);
    }
  }
  return found;
}

function check(html: string): { quoted: string; shown: string } {
  const doc = readerDocument(html);
  const shown = doc.body.textContent ?? '';
  const quoted = shownText(html);
  expect(hidingInDocument(doc), html).toEqual([]);
  expect(unshownMarkers(quoted, shown), html).toEqual([]);
  return { quoted, shown };
}

/** Text hidden by CSS or attributes: the reader shows it, so the user sees what is quoted. */
const hiddenByStyle: readonly string[] = [
  '<div style="display:none">⟦HIDE⟧</div>',
  '<div style="display: none !important">⟦HIDE⟧</div>',
  '<span hidden>⟦HIDE⟧</span>',
  '<span hidden="until-found">⟦HIDE⟧</span>',
  '<div popover>⟦HIDE⟧</div>',
  '<p style="visibility:hidden">⟦HIDE⟧</p>',
  '<p style="opacity:0">⟦HIDE⟧</p>',
  '<p style="opacity:0.01;filter:opacity(0)">⟦HIDE⟧</p>',
  '<div style="width:0;height:0;overflow:hidden">⟦HIDE⟧</div>',
  '<div style="max-height:0px;overflow:hidden;mso-hide:all">⟦HIDE⟧</div>',
  '<span style="font-size:0">⟦HIDE⟧</span>',
  '<span style="font-size:1px">⟦HIDE⟧</span>',
  '<span style="font-size:0.01em">⟦HIDE⟧</span>',
  '<span style="font-size:calc(0px)">⟦HIDE⟧</span>',
  '<div style="position:absolute;left:-9999px;top:-9999px">⟦HIDE⟧</div>',
  '<div style="margin-left:-10000px">⟦HIDE⟧</div>',
  '<div style="text-indent:-9999px">⟦HIDE⟧</div>',
  '<div style="transform:scale(0)">⟦HIDE⟧</div>',
  '<div style="clip-path:inset(100%);clip:rect(0 0 0 0)">⟦HIDE⟧</div>',
  '<div style="content-visibility:hidden">⟦HIDE⟧</div>',
  '<div style="display:table-column">⟦HIDE⟧</div>',
  '<div style="color:transparent">⟦HIDE⟧</div>',
  '<div style="color:rgba(0,0,0,0)">⟦HIDE⟧</div>',
  '<div style="color:#0000">⟦HIDE⟧</div>',
  '<div style="line-height:0;overflow:hidden;height:0">⟦HIDE⟧</div>',
  '<div style="letter-spacing:-1em">⟦HIDE⟧</div>',
  '<div style="d\\69splay:none">⟦HIDE⟧</div>',
  '<details><summary>Open me</summary>⟦HIDE⟧</details>',
  '<dialog>⟦HIDE⟧</dialog>',
  '<marquee direction="up" scrollamount="9999" loop="1">⟦HIDE⟧</marquee>',
  `${'<small>'.repeat(12)}⟦HIDE⟧${'</small>'.repeat(12)}`,
  `${'<sub>'.repeat(8)}⟦HIDE⟧${'</sub>'.repeat(8)}`,
];

/**
 * Content the reader drops, and markup a DOM-free reading could misjudge: whatever the
 * reader does not show, the quote leaves out.
 */
const dropsAndParserTricks: readonly string[] = [
  '<template>⟦HIDE⟧</template>',
  '<template><div>⟦HIDE⟧</template>⟦HIDE⟧',
  '<noscript>⟦HIDE⟧</noscript>',
  '<noscript><p>⟦HIDE⟧</noscript>⟦HIDE⟧</p>',
  '<title>⟦HIDE⟧</title>',
  '<textarea>⟦HIDE⟧</textarea>',
  '<select><option>⟦HIDE⟧</select>',
  '<select><div>⟦HIDE⟧</select>⟦HIDE⟧',
  '<datalist><option>⟦HIDE⟧</datalist>',
  '<ruby>kan<rp>(⟦HIDE⟧)</rp><rt>ji</rt></ruby>',
  '<object data="x">⟦HIDE⟧</object>',
  '<object><b>⟦HIDE⟧</object>⟦HIDE⟧',
  '<video>⟦HIDE⟧</video><audio>⟦HIDE⟧</audio><canvas>⟦HIDE⟧</canvas>',
  '<svg><text>⟦HIDE⟧</text></svg>',
  '<svg><foreignObject><div>⟦HIDE⟧</svg>⟦HIDE⟧',
  '<math><mi>⟦HIDE⟧</mi></math>',
  '<iframe>⟦HIDE⟧</iframe><noembed>⟦HIDE⟧</noembed><noframes>⟦HIDE⟧</noframes><xmp>⟦HIDE⟧</xmp>',
  '<style>p{}⟦HIDE⟧</style><script>⟦HIDE⟧</script>',
  '<script><!--<script>⟦HIDE⟧</script>⟦HIDE⟧</script>⟦HIDE⟧',
  '<form><input name="attributes">⟦HIDE⟧</form>',
  '<form>⟦HIDE⟧<form>⟦HIDE⟧</form>⟦HIDE⟧</form>',
  '<plaintext>⟦HIDE⟧</plaintext>⟦HIDE⟧',
  '<!-- ⟦HIDE⟧ -->',
  '<!--> ⟦shown⟧ -->',
  '<!---> ⟦shown⟧',
  '<!-- a --!> ⟦shown⟧',
  '<? ⟦HIDE⟧ > ⟦shown⟧',
  '<!DOCTYPE html PUBLIC "⟦HIDE⟧>" ⟦shown⟧>',
  '</ ⟦HIDE⟧> ⟦shown⟧',
  '<p title="a>⟦HIDE⟧">⟦shown⟧</p>',
  "<p title='a>⟦HIDE⟧' data-x=\"⟦HIDE⟧>\">⟦shown⟧</p>",
  '<p title=a>⟦shown⟧</p>',
  '<img alt="⟦HIDE⟧" src="http://evil.example/⟦HIDE⟧">',
  '<a href="http://evil.example/?⟦HIDE⟧" title="⟦HIDE⟧">⟦shown⟧</a>',
  '<head><title>⟦HIDE⟧</title><style>⟦HIDE⟧</style></head><body>⟦shown⟧</body>',
  '<html><head><meta charset="utf-8"><noscript><p>⟦HIDE⟧</noscript></head><body>⟦shown⟧',
  '<div style="display:none"><table><tr><td>⟦HIDE⟧</div>⟦HIDE⟧</td></tr></table>',
  '<table><textarea>⟦HIDE⟧</textarea>⟦shown⟧<select><option>⟦HIDE⟧',
  '<p>⟦shown⟧<textarea',
  '<p>⟦shown⟧<!-- ⟦HIDE⟧',
  '<p>⟦shown⟧<script>⟦HIDE⟧',
  '<p>⟦shown⟧</',
];

describe('quoting hidden HTML: the quote holds only what the reader shows', () => {
  for (const html of hiddenByStyle) {
    it(`the reader shows what ${JSON.stringify(html.slice(0, 60))} would hide, so the quote may hold it`, () => {
      const { quoted, shown } = check(html);
      expect(shown).toContain('⟦HIDE⟧');
      expect(quoted).toContain('⟦HIDE⟧');
    });
  }

  for (const html of dropsAndParserTricks) {
    it(`${JSON.stringify(html.slice(0, 70))}: the quote leaves out what the reader does not show`, () => {
      const { quoted, shown } = check(html);
      if (!shown.includes('⟦HIDE⟧')) expect(quoted).not.toContain('⟦HIDE⟧');
      if (shown.includes('⟦shown⟧') && !html.includes('noscript')) expect(quoted).toContain('⟦shown⟧');
    });
  }

  it('keeps the raw-text and end-of-quote elements among those the reader drops', () => {
    for (const name of [...RAW_TEXT_ELEMENTS, ...END_OF_QUOTE_ELEMENTS]) expect(DROPPED_ELEMENTS).toContain(name);
  });

  it('reads ordinary mail HTML as the reader lays it out', () => {
    const html = '<html><head><meta charset="utf-8"><style>p{margin:0}</style></head><body><p>Hallo Bob,</p><p>gr&uuml;&szlig;e &amp; bis <b>Freitag</b>.<br>Alice</p><ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table><pre>  keep\n  this</pre></body></html>';
    const { quoted } = check(html);
    expect(quoted).toBe('Hallo Bob,\n\ngrüße & bis Freitag.\nAlice\n\none\ntwo\n\na b\n\n  keep\n  this');
  });

  it.each([
    ['a bogus comment after text that ends in "</"', '<div> ⟦w0⟧ </<div></'],
    ['an escaped "<" before a digit beside a comment', '<p>⟦price⟧ &lt;5<!-- note --></p>'],
    ['an escaped "<" before a letter beside a comment in a cell', '<table><tr><td>⟦cell⟧ a &lt;b<!-- x --></td></tr></table>'],
  ])('shows the text of an element with %s, as the quote holds it', (_what, html) => {
    const { quoted, shown } = check(html);
    expect(markers(shown)).toEqual(markers(quoted));
    expect(markers(quoted).length).toBeGreaterThan(0);
  });

  it('holds for any mix of hiding markup, misnesting and raw text (property)', () => {
    const fragments = [
      '<div>', '</div>', '<p>', '</p>', '<span>', '</span>', '<b>', '</b>', '<table>', '<tr>', '<td>', '</td>', '</table>',
      '<div style="display:none">', '<span hidden>', '<p style="font-size:0;opacity:0">', '<small>', '</small>',
      '<template>', '</template>', '<noscript>', '</noscript>', '<object>', '</object>', '<select>', '<option>', '</select>',
      '<textarea>', '</textarea>', '<title>', '</title>', '<style>', '</style>', '<script>', '</script>', '<!--', '-->',
      '<svg>', '</svg>', '<form>', '</form>', '<details>', '</details>', '<head>', '</head>', '<body>', '<a href="http://x.example/?', '">',
      '<p title="', '"', "'", '>', '<', '</', '<br>', '<rp>', '</rp>', '&amp;', '&lt;', '&uuml;', '\n', ' ',
    ];
    const piece = fc.oneof(fc.constantFrom(...fragments), fc.integer({ min: 0, max: 40 }).map((n) => ` ⟦w${n}⟧ `));
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
      const html = pieces.join('');
      const doc = readerDocument(html);
      return hidingInDocument(doc).length === 0 && unshownMarkers(shownText(html), doc.body.textContent ?? '').length === 0;
    }), { numRuns: 400 });
  });
});
