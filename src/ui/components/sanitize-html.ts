/**
 * Decrypted HTML is hostile (EFAIL, tracking pixels, scripts, text hidden to be quoted):
 * DOMPurify keeps only inert markup, as src/html/shown-html.ts decides, so that nothing is
 * fetched even without the frame's CSP, no link carries text it swallowed, and nothing kept
 * is hidden from the user. The result is shown in a sandboxed frame (`sandboxedDocument`)
 * whose CSP forbids every load but inline styles and data: images.
 */
import DOMPurify from 'dompurify';
import {
  attributeKept,
  DROPPED_ELEMENTS,
  maxShrinkingDepth,
  REMOVED_EMPTY_ELEMENTS,
  SHRINKING_ELEMENTS,
  shownLink,
  shownStyle,
  UNWRAPPED_ELEMENTS,
} from '../../html/shown-html';

/** Node.COMMENT_NODE, without relying on a global Node. */
const COMMENT_NODE = 8;

function shrinkingAncestors(node: Element): number {
  let count = 0;
  for (let parent = node.parentElement; parent; parent = parent.parentElement) {
    if (SHRINKING_ELEMENTS.includes(parent.localName)) count++;
  }
  return count;
}

/**
 * Takes an element out of the tree, leaving its children where it was: after it, as
 * DOMPurify hoists content, so that its walk still reaches and sanitises them.
 */
function unwrap(node: Element): void {
  const parent = node.parentNode;
  if (!parent) return;
  const next = node.nextSibling;
  while (node.firstChild) parent.insertBefore(node.firstChild, next);
  parent.removeChild(node);
}

let configured = false;
function purifier(): typeof DOMPurify {
  if (!configured) {
    DOMPurify.addHook('uponSanitizeElement', (node, data) => {
      // DOMPurify removes, with its text, an element without element children whose text
      // looks like markup ("<" then "/", a letter, a digit or "!", as "&lt;5" decodes) when
      // its markup holds a "<" too, which in HTML only a comment child gives. Comments go
      // anyway; taken out first, such an element keeps its text, as the quote reads it
      // (src/html/shown-text.ts), and the reader hides no word a reply would quote.
      for (const child of Array.from(node.childNodes)) if (child.nodeType === COMMENT_NODE) node.removeChild(child);
      // Each of these shrinks the font of what it holds; nested deep, to nothing.
      if (node instanceof Element && SHRINKING_ELEMENTS.includes(data.tagName) && shrinkingAncestors(node) >= maxShrinkingDepth) unwrap(node);
    });
    DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
      const name = data.attrName.toLowerCase();
      if (!attributeKept(name, data.attrValue)) {
        data.keepAttr = false;
      } else if (name === 'href') {
        const link = shownLink(data.attrValue);
        if (link === undefined) data.keepAttr = false;
        else data.attrValue = link;
      } else if (name === 'style') {
        const style = shownStyle(data.attrValue);
        if (style === '') data.keepAttr = false;
        else data.attrValue = style;
      }
    });
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      // A link opened by the user says nothing of where it was found.
      if (node.hasAttribute('href')) node.setAttribute('rel', 'noopener noreferrer');
    });
    configured = true;
  }
  return DOMPurify;
}

export function sanitizeHtml(html: string): string {
  return purifier().sanitize(html, {
    FORBID_TAGS: [...DROPPED_ELEMENTS, ...UNWRAPPED_ELEMENTS, ...REMOVED_EMPTY_ELEMENTS],
    // Exactly the elements whose content the quote leaves out too (src/html/shown-text.ts).
    FORBID_CONTENTS: [...DROPPED_ELEMENTS],
    FORBID_ATTR: ['target', 'rel'],
    ALLOW_DATA_ATTR: false,
  });
}

const frameCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'";

/** A whole document for a sandboxed iframe's srcdoc: sanitised body under a CSP that loads nothing. */
export function sandboxedDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${frameCsp}"><meta name="referrer" content="no-referrer"><base target="_blank"></head><body>${sanitizeHtml(html)}</body></html>`;
}
