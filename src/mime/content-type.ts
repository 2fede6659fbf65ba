import { decodeBytes } from './charset';
import type { ContentType } from './types';
import { WarningList, type WarningSink } from './warning-list';

/**
 * Content-Type (RFC 2045 §5.1) and Content-Disposition (RFC 2183) values: a type followed
 * by `; name=value` parameters, with RFC 822 comments and quoted strings, and RFC 2231
 * continuations and charsets (`name*0*=utf-8''%C3%A9`). Every input is tolerated: broken
 * syntax yields what could be read plus a warning, never an exception.
 */

/**
 * Parameters read from one header value. Real values carry a few, and a long file name
 * split by RFC 2231 §3 needs one section per ~70 characters; past this the rest of the
 * value is ignored with a warning, so a 1 MB `; a=b; a=b; …` costs one bounded pass.
 */
export const MAX_PARAMETERS = 1000;

export interface ParsedContentType {
  readonly contentType: ContentType;
  /** False when the header was absent or its media type unreadable (RFC 2045 §5.2 default used). */
  readonly valid: boolean;
  readonly warnings: readonly string[];
}

export interface ContentDisposition {
  /** Lower-cased disposition type, e.g. `attachment` or `inline`. */
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface ParsedContentDisposition {
  readonly disposition: ContentDisposition;
  readonly warnings: readonly string[];
}

/** RFC 2045 §5.1 tspecials plus space and controls end a token. */
function isTokenChar(code: number): boolean {
  if (code <= 0x20 || code === 0x7f) return false;
  switch (code) {
    case 0x28: case 0x29: case 0x3c: case 0x3e: case 0x40: case 0x2c: case 0x3b: case 0x3a:
    case 0x5c: case 0x22: case 0x2f: case 0x5b: case 0x5d: case 0x3f: case 0x3d:
      return false;
    default:
      return true;
  }
}

class Scanner {
  pos = 0;
  constructor(readonly text: string, readonly warnings: WarningSink) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  /** Skips whitespace and (possibly nested) comments, RFC 5322 §3.2.2 CFWS. */
  skipCfws(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
        this.pos++;
      } else if (c === 0x28) {
        this.skipComment();
      } else {
        return;
      }
    }
  }

  private skipComment(): void {
    const text = this.text;
    let depth = 0;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos++);
      if (c === 0x5c) this.pos++;
      else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) return;
    }
    this.pos = text.length;
    this.warnings.add('unterminated comment');
  }

  readToken(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isTokenChar(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Reads a quoted-string starting at the opening quote (RFC 5322 §3.2.4). */
  readQuoted(): string {
    const text = this.text;
    this.pos++;
    const chunks: string[] = [];
    let runStart = this.pos;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x22) {
        chunks.push(text.slice(runStart, this.pos));
        this.pos++;
        return chunks.join('');
      }
      if (c === 0x5c && this.pos + 1 < text.length) {
        chunks.push(text.slice(runStart, this.pos));
        runStart = this.pos + 1;
        this.pos += 2;
      } else {
        this.pos++;
      }
    }
    chunks.push(text.slice(runStart));
    this.warnings.add('unterminated quoted string');
    return chunks.join('');
  }

  skipTo(code: number): void {
    const next = this.text.indexOf(String.fromCharCode(code), this.pos);
    this.pos = next < 0 ? this.text.length : next;
  }
}

interface RawParam {
  readonly name: string;
  readonly value: string;
}

function readParams(scanner: Scanner): RawParam[] {
  const params: RawParam[] = [];
  let separated = false;
  let attempts = 0;
  for (;;) {
    scanner.skipCfws();
    if (scanner.done) return params;
    if (scanner.peek() === 0x3b) {
      scanner.pos++;
      separated = true;
      continue;
    }
    // Counted per attempt, not per good parameter: junk warns once per attempt as well.
    if (++attempts > MAX_PARAMETERS) {
      scanner.warnings.add(`more than ${MAX_PARAMETERS} parameters: the rest of the value is ignored`);
      return params;
    }
    // Parameters must follow ';'; some senders forget it, so read on as if it were there.
    if (!separated) scanner.warnings.add("missing ';' before parameter");
    separated = false;
    const before = scanner.pos;
    const name = scanner.readToken();
    if (name === '') {
      scanner.warnings.add(`unexpected character '${scanner.text[before] ?? ''}' in parameter list`);
      scanner.pos = before + 1;
      scanner.skipTo(0x3b);
      continue;
    }
    scanner.skipCfws();
    if (scanner.done || scanner.peek() !== 0x3d) {
      scanner.warnings.add(`parameter '${name}' has no value`);
      scanner.skipTo(0x3b);
      continue;
    }
    scanner.pos++;
    scanner.skipCfws();
    params.push({ name: name.toLowerCase(), value: readParamValue(scanner) });
  }
}

function readParamValue(scanner: Scanner): string {
  if (scanner.done) return '';
  if (scanner.peek() === 0x22) return scanner.readQuoted();
  const start = scanner.pos;
  const token = scanner.readToken();
  const afterToken = scanner.pos;
  scanner.skipCfws();
  if (scanner.done || scanner.peek() === 0x3b) return token;
  // An unquoted value with spaces or tspecials (`name=my file.pdf`): take it up to the next ';'.
  scanner.pos = afterToken;
  scanner.skipTo(0x3b);
  scanner.warnings.add('parameter value should be quoted');
  return scanner.text.slice(start, scanner.pos).trim();
}

interface Extended {
  sections: Map<number, { value: string; encoded: boolean }>;
}

function percentDecode(text: string, into: number[]): void {
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x25) continue;
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) continue;
    pushUtf8(text.slice(runStart, i), into);
    into.push(parseInt(hex, 16));
    i += 2;
    runStart = i + 1;
  }
  pushUtf8(text.slice(runStart), into);
}

const encoder = new TextEncoder();

function pushUtf8(text: string, into: number[]): void {
  for (const b of encoder.encode(text)) into.push(b);
}

/** Joins RFC 2231 §3 continuations and decodes §4 charsets; plain `name=` loses to `name*`. */
function assembleParams(raw: readonly RawParam[], warnings: WarningSink): Record<string, string> {
  const plain = new Map<string, string>();
  const extended = new Map<string, Extended>();
  for (const { name, value } of raw) {
    const match = /^(.+?)(?:\*(\d{1,4}))?(\*)?$/.exec(name);
    const base = match?.[1];
    const hasStar = name.includes('*');
    if (!match || base === undefined || !hasStar) {
      if (plain.has(name)) warnings.add(`duplicate parameter '${name}'`);
      else plain.set(name, value);
      continue;
    }
    const index = match[2] === undefined ? 0 : Number(match[2]);
    const encoded = match[3] !== undefined;
    let entry = extended.get(base);
    if (!entry) {
      entry = { sections: new Map() };
      extended.set(base, entry);
    }
    if (entry.sections.has(index)) warnings.add(`duplicate parameter section '${name}'`);
    else entry.sections.set(index, { value, encoded });
  }

  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of plain) result[name] = value;
  for (const [name, { sections }] of extended) {
    const bytes: number[] = [];
    let charset: string | undefined;
    for (let index = 0; sections.has(index); index++) {
      const section = sections.get(index);
      if (!section) break;
      let text = section.value;
      if (section.encoded && index === 0) {
        // charset'language'value (RFC 2231 §4); a missing quote means no charset given.
        const first = text.indexOf("'");
        const second = first < 0 ? -1 : text.indexOf("'", first + 1);
        if (second >= 0) {
          charset = text.slice(0, first) || undefined;
          text = text.slice(second + 1);
        } else {
          warnings.add(`parameter '${name}*' lacks charset'language' prefix`);
        }
      }
      if (section.encoded) percentDecode(text, bytes);
      else pushUtf8(text, bytes);
    }
    if (sections.size > 0 && !sections.has(0)) {
      warnings.add(`parameter '${name}' continuation lacks section 0`);
      continue;
    }
    let count = 0;
    while (sections.has(count)) count++;
    if (count < sections.size) warnings.add(`parameter '${name}' has a gap in its continuation sections`);
    result[name] = decodeBytes(Uint8Array.from(bytes), charset);
  }
  return result;
}

const plainText: ContentType = { mediaType: 'text/plain', params: {} };

/** Parses a Content-Type value; `undefined` (header absent) gives the RFC 2045 §5.2 default. */
export function parseContentType(value: string | undefined, defaultType: ContentType = plainText): ParsedContentType {
  const warnings = new WarningList();
  return { ...readContentType(value, defaultType, warnings), warnings: warnings.toArray() };
}

/** parseContentType reporting to a sink, for a caller that collects a part's warnings in one list. */
export function readContentType(value: string | undefined, defaultType: ContentType, warnings: WarningSink): Omit<ParsedContentType, 'warnings'> {
  if (value === undefined) return { contentType: defaultType, valid: false };
  const scanner = new Scanner(value, warnings);
  scanner.skipCfws();
  const type = scanner.readToken();
  scanner.skipCfws();
  let subtype = '';
  if (!scanner.done && scanner.peek() === 0x2f) {
    scanner.pos++;
    scanner.skipCfws();
    subtype = scanner.readToken();
  }
  const params = assembleParams(readParams(scanner), warnings);
  if (type === '' || subtype === '') {
    warnings.add(`unreadable media type '${value.slice(0, 80)}', using ${defaultType.mediaType} (RFC 2045 §5.2)`);
    return { contentType: { mediaType: defaultType.mediaType, params: { ...defaultType.params, ...params } }, valid: false };
  }
  return { contentType: { mediaType: `${type}/${subtype}`.toLowerCase(), params }, valid: true };
}

export function parseContentDisposition(value: string): ParsedContentDisposition {
  const warnings = new WarningList();
  return { disposition: readContentDisposition(value, warnings), warnings: warnings.toArray() };
}

/** parseContentDisposition reporting to a sink, as readContentType does. */
export function readContentDisposition(value: string, warnings: WarningSink): ContentDisposition {
  const scanner = new Scanner(value, warnings);
  scanner.skipCfws();
  const type = scanner.readToken().toLowerCase();
  const params = assembleParams(readParams(scanner), warnings);
  if (type === '') warnings.add('Content-Disposition has no type');
  return { type, params };
}
