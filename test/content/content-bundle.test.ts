/**
 * The content script lives in every webmail tab beside a hostile page (DESIGN.md
 * invariant 1): it must hold no crypto, no key material and no plaintext handling, and
 * stay small (under 30 KB minified) so it costs the webmail nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildExtension, extensionDir } from '../e2e/browser';

let bundle: string;

beforeAll(() => {
  buildExtension();
  bundle = readFileSync(path.join(extensionDir, 'content/main.js'), 'utf8');
}, 120_000);

describe('the content script bundle', () => {
  it('stays under 30 KB minified', () => {
    expect(Buffer.byteLength(bundle)).toBeLessThan(30 * 1024);
  });

  it.each([
    ['WebCrypto', /\bsubtle\b|\bimportKey\b|\bdecrypt\(/],
    ['ASN.1 or CMS code', /EnvelopedData|SignedData|asn1|pkijs/i],
    ['the native channel', /connectNative|sendNativeMessage/],
    ['DOMPurify or Preact', /DOMPurify|__preact|preact/],
  ])('carries no %s', (_what, pattern) => {
    expect(bundle.match(pattern)?.[0]).toBeUndefined();
  });
});
