/**
 * Mutations of corpus seeds: byte-level (bit flips, inserts, deletes, duplicated chunks,
 * splices between seeds), DER-aware (edits of one element's length octets, and structural
 * edits with every enclosing length written again, so the input still parses far enough
 * to reach deep code) and MIME-aware (header fields, boundaries, line ends, and DER edits
 * inside base64 bodies). The DER structure is read with the project's BER walk.
 */
import { berWalker, isConstructed, WalkRefused, type Tlv } from '../../src/cms/ber-walk';
import { concatBytes, tlvHeader } from '../../src/cms/der-writer';
import type { Rng } from './random';

/** Inputs are cut to this size: the fuzzer looks for crashes and hangs, not for memory use. */
export const MAX_INPUT_BYTES = 4 << 20;

export type SeedKind = 'mime' | 'der';

export interface Seed {
  /** Path below the corpora, for the findings. */
  readonly name: string;
  readonly kind: SeedKind;
  readonly bytes: Uint8Array;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0x81, 0xff, 0x30, 0x31, 0xa0, 0x04, 0x24, 0x0a, 0x0d, 0x2d, 0x3d, 0x3b, 0x22];

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  return concatBytes([bytes.subarray(0, at), insert, bytes.subarray(at + remove)]);
}

/** How many times a flood repeats its item: enough to find a limit that is missing. */
function floodCount(rng: Rng, itemLength: number): number {
  return Math.max(1, Math.min(rng.pick([1000, 10_000, 130_000, 300_000]), Math.floor((1 << 20) / Math.max(1, itemLength))));
}

function repeated(item: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(item.length * count);
  for (let i = 0; i < count; i++) out.set(item, i * item.length);
  return out;
}

/**
 * A flood now and then: one small piece repeated up to a megabyte's worth, as a header of
 * 124,000 parameters was. Limits that are missing show up only at such counts.
 */
const FLOOD_CHANCE = 0.01;

function randomBytes(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.chance(0.3) ? rng.pick(INTERESTING) : rng.below(256);
  return out;
}

/** One byte-level edit. */
export function mutateBytes(rng: Rng, input: Uint8Array, other: Uint8Array): Uint8Array {
  if (input.length === 0) return randomBytes(rng, rng.small(64));
  const at = rng.below(input.length);
  if (rng.chance(FLOOD_CHANCE)) {
    const item = input.slice(at, at + rng.small(16));
    return splice(input, at, 0, repeated(item, floodCount(rng, item.length)));
  }
  switch (rng.below(9)) {
    case 0: {
      const out = input.slice();
      for (let n = rng.small(8); n > 0; n--) {
        const i = rng.below(out.length);
        out[i] = (out[i] ?? 0) ^ (1 << rng.below(8));
      }
      return out;
    }
    case 1: {
      const out = input.slice();
      out[at] = rng.pick(INTERESTING);
      return out;
    }
    case 2:
      return splice(input, at, 0, randomBytes(rng, rng.small(32)));
    case 3:
      return splice(input, at, Math.min(input.length - at, rng.small(256)), new Uint8Array());
    case 4: {
      // A chunk duplicated, right after itself or elsewhere.
      const length = Math.min(input.length - at, rng.small(4096));
      const chunk = input.slice(at, at + length);
      return splice(input, rng.chance(0.5) ? at + length : rng.below(input.length + 1), 0, chunk);
    }
    case 5: {
      const length = Math.min(input.length - at, rng.small(1024));
      const from = rng.below(input.length - length + 1);
      const out = input.slice();
      out.copyWithin(at, from, from + length);
      return out;
    }
    case 6:
      return input.slice(0, at);
    case 7: {
      // Splice with another seed: this one's head, the other's tail.
      const cut = rng.below(other.length + 1);
      return concatBytes([input.subarray(0, at), other.subarray(cut)]);
    }
    default: {
      const from = rng.below(other.length);
      return splice(input, at, 0, other.slice(from, from + rng.small(2048)));
    }
  }
}

export interface Located {
  readonly tlv: Tlv;
  /** Enclosing elements, outermost first. */
  readonly ancestors: readonly Tlv[];
}

/** Every element of a BER encoding (up to a bound), or none when the walk refuses it. */
export function elementsOf(bytes: Uint8Array, limit = 4000): Located[] {
  const out: Located[] = [];
  try {
    const walker = berWalker(bytes);
    const visit = (tlv: Tlv, ancestors: readonly Tlv[]): void => {
      if (out.length >= limit) return;
      out.push({ tlv, ancestors });
      if (!isConstructed(tlv)) return;
      const inside = [...ancestors, tlv];
      for (const child of walker.children(tlv)) visit(child, inside);
    };
    visit(walker.element(0, bytes.length), []);
  } catch (error) {
    if (!(error instanceof WalkRefused)) throw error;
  }
  return out;
}

/**
 * Replaces one element's bytes and writes the length of every definite-length element
 * around it again; indefinite ones need no change.
 */
export function replaceElement(bytes: Uint8Array, where: Located, replacement: Uint8Array): Uint8Array {
  let out = splice(bytes, where.tlv.start, where.tlv.end - where.tlv.start, replacement);
  let delta = replacement.length - (where.tlv.end - where.tlv.start);
  for (let i = where.ancestors.length - 1; i >= 0; i--) {
    const a = where.ancestors[i] as Tlv;
    if (a.contentEnd !== a.end) continue;
    const header = tlvHeader(a.identifier, a.contentEnd - a.contentStart + delta);
    out = splice(out, a.start, a.contentStart - a.start, header);
    delta += header.length - (a.contentStart - a.start);
  }
  return out;
}

/** One DER-aware edit; a byte edit when the input is not BER the walk can read. */
export function mutateDer(rng: Rng, input: Uint8Array, other: Uint8Array): Uint8Array {
  const elements = elementsOf(input);
  if (elements.length === 0) return mutateBytes(rng, input, other);
  const where = rng.pick(elements);
  const { tlv } = where;
  const element = input.subarray(tlv.start, tlv.end);
  if (rng.chance(FLOOD_CHANCE)) {
    // The element many times over where it was: a SET OF or SEQUENCE OF without end.
    return replaceElement(input, where, repeated(element, floodCount(rng, element.length)));
  }
  switch (rng.below(9)) {
    case 0: {
      // The length octets edited where they lie, the enclosing lengths left as they were.
      const lengths: readonly number[][] = [[0x00], [0x80], [0x81, rng.below(256)], [0x82, rng.below(256), rng.below(256)],
        [0x84, 0xff, 0xff, 0xff, 0xff], [0x85, 1, 0, 0, 0, 0], [Math.max(0, tlv.contentEnd - tlv.contentStart + rng.pick([-2, -1, 1, 2])) & 0x7f]];
      return splice(input, tlv.start + 1, tlv.contentStart - tlv.start - 1, Uint8Array.from(rng.pick(lengths)));
    }
    case 1:
      return replaceElement(input, where, new Uint8Array());
    case 2:
      return replaceElement(input, where, concatBytes([element, element]));
    case 3: {
      const identifier = rng.pick([0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x24, 0x30, 0x31, 0x80, 0xa0, 0xa1, 0xa3, (rng.below(256) & ~0x1f) | rng.below(31)]);
      return splice(input, tlv.start, 1, Uint8Array.of(identifier));
    }
    case 4: {
      // New contents of about the old size: a different INTEGER, OID, string or time.
      const size = Math.max(0, tlv.contentEnd - tlv.contentStart + rng.pick([-1, 0, 0, 1, rng.small(64)]));
      return replaceElement(input, where, concatBytes([tlvHeader(tlv.identifier, size), randomBytes(rng, size)]));
    }
    case 5: {
      const keep = rng.below(tlv.contentEnd - tlv.contentStart + 1);
      return replaceElement(input, where, concatBytes([tlvHeader(tlv.identifier, keep), input.subarray(tlv.contentStart, tlv.contentStart + keep)]));
    }
    case 6: {
      // An element of another seed in this one's place.
      const foreign = elementsOf(other);
      if (foreign.length === 0) return mutateBytes(rng, input, other);
      const donor = rng.pick(foreign).tlv;
      return replaceElement(input, where, other.subarray(donor.start, donor.end));
    }
    case 7: {
      // Wrapped in one more level, as a wrong but plausible structure would be.
      const wrapper = rng.pick([0x30, 0x31, 0xa0, 0x24]);
      return replaceElement(input, where, concatBytes([tlvHeader(wrapper, element.length), element]));
    }
    default: {
      // A bit flipped inside the element, lengths unchanged.
      const out = input.slice();
      const i = tlv.start + rng.below(tlv.end - tlv.start);
      out[i] = (out[i] ?? 0) ^ (1 << rng.below(8));
      return out;
    }
  }
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
const fromLatin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

const HEADER_LINES = [
  'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="X"',
  'Content-Type: multipart/mixed; boundary="X"',
  'Content-Type: multipart/alternative; boundary=X',
  'Content-Type: multipart/digest; boundary=X',
  'Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m',
  'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m',
  'Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data',
  'Content-Type: application/x-pkcs7-mime',
  'Content-Type: application/pkcs7-signature; name=smime.p7s',
  'Content-Type: message/rfc822',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Type: text/html; charset="iso-8859-1"',
  "Content-Type: text/plain; name*0*=utf-8''%C3%A9; name*1=x; name*3=y",
  'Content-Transfer-Encoding: base64',
  'Content-Transfer-Encoding: quoted-printable',
  'Content-Transfer-Encoding: 8bit',
  'Content-Transfer-Encoding: binary',
  'Content-Disposition: attachment; filename="smime.p7m"',
  'Content-Disposition: inline',
  'From: "a@example.org" <b@example.org>, c@example.org',
  'Date: Mon, 26 Jan 2026 14:38:03 +0000',
  'Subject: =?utf-8?B?w6k=?= =?iso-8859-1?q?=E9?=',
  'MIME-Version: 1.0',
];

/** Lines and where each starts. */
function linesOf(text: string): { starts: number[]; ends: number[] } {
  const starts = [0];
  const ends: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    ends.push(i + 1);
    starts.push(i + 1);
  }
  ends.push(text.length);
  return { starts, ends };
}

function boundariesOf(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/boundary\s*=\s*"?([^";\r\n]{1,100})"?/gi)) if (match[1]) found.add(match[1]);
  return [...found];
}

/** Runs of base64 lines (a body), as [start, end) in the text. */
function base64Runs(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const match of text.matchAll(/(?:^[A-Za-z0-9+/=]{16,}\r?\n){2,}/gm)) runs.push([match.index, match.index + match[0].length]);
  return runs;
}

/** One MIME-aware edit; a byte edit when none applies. */
export function mutateMime(rng: Rng, input: Uint8Array, other: Uint8Array): Uint8Array {
  const text = latin1(input);
  const { starts, ends } = linesOf(text);
  const lineAt = (n: number): [number, number] => [starts[n] ?? 0, ends[n] ?? text.length];
  const replace = (start: number, end: number, by: string): Uint8Array => fromLatin1(text.slice(0, start) + by + text.slice(end));
  if (rng.chance(FLOOD_CHANCE * 2)) {
    // A line, a continuation line or a parameter repeated until the header is a megabyte.
    const [start, end] = lineAt(rng.below(starts.length));
    const line = text.slice(start, end);
    const eol = line.endsWith('\r\n') ? '\r\n' : '\n';
    const item = rng.pick([line || `X: y${eol}`, ` x${eol}`, '; a=b', '; a', ';', '(', '"', `--${rng.pick([...boundariesOf(text), 'X'])}${eol}`, '=?utf-8?q?a?= ']);
    const at = item.startsWith(';') || item === '(' || item === '"' || item.startsWith('=?') ? start + line.replace(/\r?\n$/, '').length : start;
    return replace(at, at, item.repeat(floodCount(rng, item.length)));
  }
  switch (rng.below(8)) {
    case 0: {
      // A boundary: a delimiter line deleted, doubled or changed, or the parameter changed.
      const boundary = rng.pick([...boundariesOf(text), 'X']);
      const occurrences: number[] = [];
      for (let i = text.indexOf(`--${boundary}`); i >= 0 && occurrences.length < 1000; i = text.indexOf(`--${boundary}`, i + 1)) occurrences.push(i);
      if (occurrences.length === 0) return mutateBytes(rng, input, other);
      const at = rng.pick(occurrences);
      const lineEnd = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at) + 1;
      const line = text.slice(at, lineEnd);
      const choices = [
        '',
        line + line,
        line.replace(boundary, boundary.slice(0, -1)),
        line.replace(/\r?\n$/, '--$&'),
        line.replace(/--(\r?\n)?$/, '$1'),
        line.replace(/\r?\n$/, '   \t$&'),
        line.replace(/\r\n$/, '\n'),
        `--${boundary}${rng.pick(['', '--'])}`,
      ];
      return replace(at, lineEnd, rng.pick(choices));
    }
    case 1: {
      // A header-looking line: deleted, doubled, folded, or replaced by a dictionary field.
      const headerLines: number[] = [];
      for (let n = 0; n < starts.length && headerLines.length < 2000; n++) {
        if (/^[!-9;-~]+:/.test(text.slice(starts[n], (starts[n] ?? 0) + 80))) headerLines.push(n);
      }
      if (headerLines.length === 0) return mutateBytes(rng, input, other);
      const [start, end] = lineAt(rng.pick(headerLines));
      const line = text.slice(start, end);
      const eol = line.endsWith('\r\n') ? '\r\n' : '\n';
      const boundary = rng.pick([...boundariesOf(text), 'X']);
      const dictionary = rng.pick(HEADER_LINES).replace(/"X"|=X$/, `="${boundary}"`) + eol;
      const colon = line.indexOf(':');
      const choices = [
        '',
        line + line,
        dictionary,
        line + dictionary,
        `${line.slice(0, colon + 1)}${eol} ${line.slice(colon + 1)}`,
        line.toUpperCase(),
        `${line.slice(0, colon)} ${line.slice(colon)}`,
      ];
      return replace(start, end, rng.pick(choices));
    }
    case 2: {
      // Line ends changed over a stretch: CRLF to LF or the other way.
      const [start] = lineAt(rng.below(starts.length));
      const end = Math.min(text.length, start + rng.small(8192));
      const part = text.slice(start, end);
      return replace(start, end, rng.chance(0.5) ? part.replace(/\r\n/g, '\n') : part.replace(/\r?\n/g, '\r\n'));
    }
    case 3: {
      // A blank line removed (a header block runs into its body) or added.
      const blanks: number[] = [];
      for (let n = 0; n < starts.length && blanks.length < 2000; n++) {
        const [s, e] = lineAt(n);
        if (/^\r?\n$/.test(text.slice(s, e))) blanks.push(n);
      }
      if (blanks.length > 0 && rng.chance(0.6)) {
        const [s, e] = lineAt(rng.pick(blanks));
        return replace(s, e, '');
      }
      const [s] = lineAt(rng.below(starts.length));
      return replace(s, s, '\r\n');
    }
    case 4:
    case 5: {
      // DER edits inside a base64 body: reaches the CMS readers under the MIME layer.
      const runs = base64Runs(text);
      if (runs.length === 0) return mutateBytes(rng, input, other);
      const [start, end] = rng.pick(runs);
      const body = text.slice(start, end);
      const lineLength = body.indexOf('\n') > 0 ? body.indexOf('\r') > 0 ? body.indexOf('\r') : body.indexOf('\n') : 64;
      const eol = body.includes('\r\n') ? '\r\n' : '\n';
      const der = new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
      const mutated = rng.chance(0.8) ? mutateDer(rng, der, other) : mutateBytes(rng, der, other);
      const encoded = Buffer.from(mutated).toString('base64');
      const lines: string[] = [];
      for (let i = 0; i < encoded.length; i += lineLength) lines.push(encoded.slice(i, i + lineLength));
      return replace(start, end, lines.join(eol) + eol);
    }
    case 6: {
      // A dictionary field inserted at a line start.
      const [s] = lineAt(rng.below(starts.length));
      const boundary = rng.pick([...boundariesOf(text), 'X']);
      return replace(s, s, rng.pick(HEADER_LINES).replace(/"X"|=X$/, `="${boundary}"`) + '\r\n');
    }
    default:
      return mutateBytes(rng, input, other);
  }
}

/** A mutated input: 1–4 edits of a seed, the kind of each chosen by the seed's kind. */
export function mutateSeed(rng: Rng, seeds: readonly Seed[]): { input: Uint8Array; seed: Seed } {
  const seed = rng.pick(seeds);
  const other = rng.pick(seeds).bytes;
  let input = seed.bytes;
  // One edit half the time: every further edit makes it likelier the input is refused early.
  for (let n = rng.chance(0.5) ? 1 : 2 + rng.below(3); n > 0; n--) {
    const roll = rng.below(100);
    if (seed.kind === 'mime') input = roll < 60 ? mutateMime(rng, input, other) : mutateBytes(rng, input, other);
    else input = roll < 65 ? mutateDer(rng, input, other) : mutateBytes(rng, input, other);
    if (input.length > MAX_INPUT_BYTES) input = input.subarray(0, MAX_INPUT_BYTES);
  }
  return { input, seed };
}
