/**
 * Decrypted HTML is hostile (EFAIL, tracking pixels, scripts): DOMPurify keeps only inert
 * markup, and every attribute that would load something from the network is dropped, so
 * even without the frame's CSP nothing is fetched. The result is shown in a sandboxed frame
 * (`sandboxedDocument`) whose CSP forbids every load but inline styles and data: images.
 */
import DOMPurify from 'dompurify';

const loadingAttributes = new Set(['src', 'srcset', 'background', 'poster', 'action', 'formaction', 'xlink:href', 'data', 'codebase', 'ping']);

let configured = false;
function purifier(): typeof DOMPurify {
  if (!configured) {
    DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
      const name = data.attrName.toLowerCase();
      const value = data.attrValue.trim().toLowerCase();
      if (loadingAttributes.has(name) && !value.startsWith('data:')) data.keepAttr = false;
      // url(...) in inline styles would fetch too (background images).
      if (name === 'style' && /url\s*\(|image-set|@import/i.test(value)) data.keepAttr = false;
    });
    configured = true;
  }
  return DOMPurify;
}

export function sanitizeHtml(html: string): string {
  return purifier().sanitize(html, {
    FORBID_TAGS: ['style', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'video', 'audio', 'source', 'track', 'svg', 'math'],
    ALLOW_DATA_ATTR: false,
  });
}

const frameCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; form-action 'none'; base-uri 'none'";

/** A whole document for a sandboxed iframe's srcdoc: sanitised body under a CSP that loads nothing. */
export function sandboxedDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${frameCsp}"><base target="_blank"></head><body>${sanitizeHtml(html)}</body></html>`;
}
