/**
 * Test-only decoders written from the RFCs, independent of both the encoders under test and
 * the project's parser: RFC 2047 encoded words and RFC 2231 parameters.
 */

import { expect } from 'vitest';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeWord(encoding: string, text: string): string {
  let bytes: Uint8Array;
  if (encoding.toUpperCase() === 'B') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error(`bad B word ${text}`);
    bytes = Uint8Array.from(Buffer.from(text, 'base64'));
  } else {
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if (char === '_') out.push(0x20);
      else if (char === '=') {
        const hex = text.slice(i + 1, i + 3);
        if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`bad Q escape ${hex}`);
        out.push(parseInt(hex, 16));
        i += 2;
      } else {
        // RFC 2047 §5 (3): only these may appear literally in a phrase-safe Q word.
        if (!/[A-Za-z0-9!*+\-/]/.test(char)) throw new Error(`unsafe Q character ${char}`);
        out.push(char.charCodeAt(0));
      }
    }
    bytes = Uint8Array.from(out);
  }
  // fatal: each word must hold whole UTF-8 characters (RFC 2047 §5).
  return fatalUtf8.decode(bytes);
}

/** Decodes RFC 2047 words in an unfolded value; whitespace between adjacent words is dropped. */
export function decodeEncodedWords(value: string): string {
  const word = /=\?UTF-8\?([BQ])\?([^?]*)\?=/gi;
  let out = '';
  let last = 0;
  let previousWasWord = false;
  for (const match of value.matchAll(word)) {
    const between = value.slice(last, match.index);
    if (!(previousWasWord && /^[ \t]*$/.test(between))) out += between;
    const full = match[0];
    if (full.length > 75) throw new Error(`encoded word longer than 75: ${full}`);
    out += decodeWord(match[1]!, match[2]!);
    last = match.index + full.length;
    previousWasWord = true;
  }
  return out + value.slice(last);
}

/** Field value after the colon, unfolded (RFC 5322 §2.2.3) and without the leading space. */
export function fieldValue(field: string, name: string): string {
  expect(field.startsWith(`${name}:`)).toBe(true);
  expect(field.endsWith('\r\n')).toBe(true);
  return field.slice(name.length + 1, -2).replace(/\r\n(?=[ \t])/g, '').replace(/^[ \t]+/, '');
}

/** Every physical line of a folded field: ASCII, no bare CR/LF, within the limits. */
export function checkFieldLines(field: string): void {
  expect(field).toMatch(/^[\x20-\x7e\r\n\t]*$/);
  const lines = field.slice(0, -2).split('\r\n');
  lines.forEach((line, index) => {
    expect(line).not.toMatch(/[\r\n]/);
    expect(line.length).toBeLessThanOrEqual(line.includes('=?') ? 76 : 78);
    if (index > 0) {
      expect(line).toMatch(/^[ \t]/);
      expect(line.trim()).not.toBe('');
    }
  });
}

/** Parameters of a Content-Type/Disposition value, RFC 2231 continuations joined and decoded. */
export function decodeParameters(value: string): Map<string, string> {
  const parts = new Map<string, { extended: boolean; text: string }[]>();
  const simple = new Map<string, string>();
  const parameter = /;\s*([^=\s*]+)(\*(\d+))?(\*)?=("(?:[^"\\]|\\.)*"|[^;\s]*)/g;
  for (const match of value.matchAll(parameter)) {
    const name = match[1]!.toLowerCase();
    const raw = match[5]!;
    const text = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    const extended = match[4] === '*';
    if (match[3] === undefined && !extended) {
      simple.set(name, text);
      continue;
    }
    const index = match[3] === undefined ? 0 : Number(match[3]);
    const list = parts.get(name) ?? [];
    list[index] = { extended, text };
    parts.set(name, list);
  }
  for (const [name, list] of parts) {
    const bytes: number[] = [];
    list.forEach((part, index) => {
      let text = part.text;
      if (part.extended && index === 0) {
        const match = /^([^']*)'[^']*'(.*)$/.exec(text)!;
        expect(match[1]!.toUpperCase()).toBe('UTF-8');
        text = match[2]!;
      }
      if (part.extended) {
        for (let i = 0; i < text.length; i++) {
          if (text[i] === '%') {
            bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
            i += 2;
          } else bytes.push(text.charCodeAt(i));
        }
      } else {
        for (const char of text) bytes.push(char.charCodeAt(0));
      }
    });
    simple.set(name, fatalUtf8.decode(Uint8Array.from(bytes)));
  }
  return simple;
}
