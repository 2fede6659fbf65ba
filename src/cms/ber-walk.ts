/**
 * A minimal walk over BER elements (X.690 §8.1): where each element's header, contents and
 * end lie, without building a tree. Used where asn1js would build objects for thousands
 * of pieces nobody looks at one by one: the ciphertext of streamed EnvelopedData, which
 * encoders write as an indefinite-length run of 1–4 KiB OCTET STRINGs. Anything it does
 * not understand (high tag numbers, lengths over 2^32) or input that would take more than
 * a few passes to walk is a WalkRefused, and the caller reads the input the thorough way.
 */

export class WalkRefused extends Error {}

export interface Tlv {
  /** The identifier octet: class, constructed bit and a tag number below 31. */
  readonly identifier: number;
  readonly start: number;
  readonly contentStart: number;
  /** Where the contents end: before the end-of-contents octets when the length is indefinite. */
  readonly contentEnd: number;
  readonly end: number;
}

export interface BerWalker {
  /** The element starting at `at`, which must end by `limit`. */
  element(at: number, limit: number): Tlv;
  /** The elements inside a constructed one, which must fill it exactly. */
  children(parent: Tlv): Tlv[];
}

/** Deeper than any CMS structure read this way; bounds the recursion on hostile input. */
const MAX_DEPTH = 32;

function refuse(reason = 'elements do not nest within their lengths'): never {
  throw new WalkRefused(reason);
}

const TOO_DEEP = 'nesting depth exceeded';

/**
 * Longer than any object identifier in use (the longest seen in certificates and CMS are a
 * few dozen octets; a UUID arc under 2.25 takes about twenty). asn1js builds an object per
 * arc, and half a megabyte of arcs took it 1.5 s of CPU (found by fuzzing).
 */
const MAX_OID_OCTETS = 256;
const LONG_OID = `an OBJECT IDENTIFIER of more than ${MAX_OID_OCTETS} octets`;

/** OBJECT IDENTIFIER or RELATIVE-OID (X.690 §8.19, §8.20), universal class, either form. */
function isObjectIdentifier(tlv: Tlv): boolean {
  const universal = (tlv.identifier & 0xc0) === 0;
  const tag = tlv.identifier & 0x1f;
  return universal && (tag === 6 || tag === 13);
}

export function isConstructed(tlv: Tlv): boolean {
  return (tlv.identifier & 0x20) !== 0;
}

/**
 * Refuses (WalkRefused) unless the element at the start of `bytes` and every constructed
 * element inside it, down to `maxDepth`, are exactly filled by their children: one linear
 * pass. asn1js spends seconds of CPU on a megabyte of elements that overrun their parents
 * before it gives up (found by fuzzing), so input that fails here is not handed to it.
 */
export function walkNested(bytes: Uint8Array, maxDepth: number): void {
  const walk = berWalker(bytes);
  const stack: Array<{ tlv: Tlv; depth: number }> = [{ tlv: walk.element(0, bytes.length), depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (isObjectIdentifier(item.tlv) && item.tlv.contentEnd - item.tlv.contentStart > MAX_OID_OCTETS) refuse(LONG_OID);
    if (!isConstructed(item.tlv)) continue;
    if (item.depth >= maxDepth) refuse(TOO_DEEP);
    for (const child of walk.children(item.tlv)) stack.push({ tlv: child, depth: item.depth + 1 });
  }
}

export function berWalker(bytes: Uint8Array): BerWalker {
  // Finding where an indefinite-length element ends walks its contents; the children met
  // on the way are kept, so listing them later walks nothing again, however deep the
  // nesting. The steps are still counted and bounded, for input built to defeat that.
  let steps = 0;
  const budget = 4 * bytes.length + 64;
  /** The children of indefinite-length elements, by where each element starts. */
  const found = new Map<number, Tlv[]>();

  const element = (at: number, limit: number, depth: number): Tlv => {
    if (depth > MAX_DEPTH) refuse(TOO_DEEP);
    if (++steps > budget || at + 2 > limit) refuse();
    const identifier = bytes[at] as number;
    if ((identifier & 0x1f) === 0x1f) refuse('a tag number above 30, which CMS and X.509 never use');
    const first = bytes[at + 1] as number;
    let contentStart = at + 2;
    if (first === 0x80) {
      if ((identifier & 0x20) === 0) refuse(); // X.690 §8.1.3.2: primitive elements have definite lengths
      const children: Tlv[] = [];
      for (let p = contentStart; ; ) {
        if (p + 2 > limit) refuse();
        if (bytes[p] === 0 && bytes[p + 1] === 0) {
          found.set(at, children);
          return { identifier, start: at, contentStart, contentEnd: p, end: p + 2 };
        }
        const child = element(p, limit, depth + 1);
        children.push(child);
        p = child.end;
      }
    }
    let length = first;
    if (first > 0x80) {
      const count = first & 0x7f;
      if (count > 4 || contentStart + count > limit) refuse();
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (bytes[contentStart + i] as number);
      contentStart += count;
    }
    const contentEnd = contentStart + length;
    if (contentEnd > limit) refuse();
    return { identifier, start: at, contentStart, contentEnd, end: contentEnd };
  };

  return {
    element: (at, limit) => element(at, limit, 0),
    children: (parent) => {
      if (!isConstructed(parent)) refuse();
      const known = found.get(parent.start);
      if (known) return known;
      const children: Tlv[] = [];
      for (let p = parent.contentStart; p < parent.contentEnd; ) {
        const child = element(p, parent.contentEnd, 1);
        children.push(child);
        p = child.end;
      }
      return children;
    },
  };
}
