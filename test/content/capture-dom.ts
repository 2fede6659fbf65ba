/**
 * Loads a saved page capture into a DOM of its own, at the URL it was taken from (the
 * capture's first line), with none of its scripts running: as the content script finds
 * the page, minus the page's own behaviour.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';

const captures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'captures');
export const roundcubeOrigin = 'http://127.0.0.1:8025';

export function captureHtml(name: string): string {
  return readFileSync(path.join(captures, name), 'utf8');
}

export function loadPage(html: string, origin = roundcubeOrigin): JSDOM {
  const where = /^<!-- (\S+) -->/.exec(html)?.[1] ?? '/';
  return new JSDOM(html, { url: new URL(where, origin).href, pretendToBeVisual: true });
}

export function loadCapture(name: string, edit: (html: string) => string = (html) => html): JSDOM {
  return loadPage(edit(captureHtml(name)));
}
