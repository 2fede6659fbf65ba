/**
 * Small accessors over asn1js blocks that turn "this is not the shape the RFC says" into
 * a typed CachetError instead of a TypeError deep inside a caller. Values are views into
 * the input, never copies, except where a constructed (chunked) OCTET STRING is joined
 * (in place, when the caller owns the input).
 */
import * as asn1js from 'asn1js';
import { CachetError, type ErrorCode } from '../errors';
import { concatBytes } from '../mime/byte-sink';

export { parseBer } from './asn1-input';

export type Block = asn1js.BaseBlock;

export const TAG_CLASS_UNIVERSAL = 1;
export const TAG_CLASS_CONTEXT = 3;

function fail(what: string, code: ErrorCode): never {
  throw new CachetError(code, `${what}: unexpected ASN.1 structure`);
}

export function isTag(block: Block | undefined, tagClass: number, tagNumber: number): boolean {
  return block !== undefined && block.idBlock.tagClass === tagClass && block.idBlock.tagNumber === tagNumber;
}

export function isContext(block: Block | undefined, tagNumber: number): boolean {
  return isTag(block, TAG_CLASS_CONTEXT, tagNumber);
}

/** Children of a constructed element (SEQUENCE, SET, or an explicit/implicit tag). */
export function childrenOf(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed'): Block[] {
  if (!block || !block.idBlock.isConstructed) fail(what, code);
  const value = (block.valueBlock as { value?: unknown }).value;
  if (!Array.isArray(value)) fail(what, code);
  // Indefinite-length encodings leave an end-of-contents marker as the last child.
  return (value as Block[]).filter((c) => !(c.idBlock.tagClass === TAG_CLASS_UNIVERSAL && c.idBlock.tagNumber === 0));
}

export function sequenceOf(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed'): Block[] {
  if (!isTag(block, TAG_CLASS_UNIVERSAL, 16)) fail(what, code);
  return childrenOf(block, what, code);
}

export function setOf(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed'): Block[] {
  if (!isTag(block, TAG_CLASS_UNIVERSAL, 17)) fail(what, code);
  return childrenOf(block, what, code);
}

export function oidOf(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed'): string {
  if (!(block instanceof asn1js.ObjectIdentifier) || !isTag(block, TAG_CLASS_UNIVERSAL, 6)) fail(what, code);
  const value = block.getValue();
  if (!value) fail(what, code);
  return value;
}

/** Content octets of a primitive element of any tag (views into the input). */
export function primitiveBytes(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed'): Uint8Array {
  if (!block || block.idBlock.isConstructed) fail(what, code);
  const view = (block.valueBlock as { valueHexView?: unknown }).valueHexView;
  if (!(view instanceof Uint8Array)) fail(what, code);
  return view;
}

/**
 * Content of an OCTET STRING, or of an implicitly tagged one, in either primitive or
 * constructed (BER chunked, as NSS writes encrypted content) form.
 */
export function octetsOf(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed', joinInPlace = false): Uint8Array {
  if (!block) fail(what, code);
  if (!block.idBlock.isConstructed) return primitiveBytes(block, what, code);
  const parts: Uint8Array[] = [];
  const collect = (b: Block): void => {
    if (!b.idBlock.isConstructed) {
      if (!isTag(b, TAG_CLASS_UNIVERSAL, 4)) fail(what, code);
      parts.push(primitiveBytes(b, what, code));
      return;
    }
    for (const child of childrenOf(b, what, code)) {
      if (!isTag(child, TAG_CLASS_UNIVERSAL, 4)) fail(what, code);
      collect(child);
    }
  };
  collect(block);
  return joinPieces(parts, joinInPlace);
}

/**
 * The pieces of a chunked OCTET STRING as one run: a single piece as the view it is (no
 * copy of what may be the whole message), several joined in place or into a copy.
 */
export function joinPieces(parts: readonly Uint8Array[], joinInPlace: boolean): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  return (joinInPlace ? joinedInPlace(parts) : undefined) ?? concatBytes(parts);
}

/**
 * Pieces of one buffer, in order, moved together over the headers between them: the
 * joined octets start where the first piece did, and no second buffer is needed. Only for
 * a buffer the caller owns and reads nothing else from after this point. Undefined when
 * the pieces are not laid out so (then the caller copies).
 */
function joinedInPlace(parts: readonly Uint8Array[]): Uint8Array | undefined {
  const first = parts[0] as Uint8Array;
  const whole = new Uint8Array(first.buffer);
  let to = first.byteOffset;
  for (const part of parts) {
    if (part.buffer !== first.buffer || part.byteOffset < to) return undefined;
    whole.copyWithin(to, part.byteOffset, part.byteOffset + part.length);
    to += part.length;
  }
  return whole.subarray(first.byteOffset, to);
}

export function octetStringOf(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed'): Uint8Array {
  if (!isTag(block, TAG_CLASS_UNIVERSAL, 4)) fail(what, code);
  return octetsOf(block, what, code);
}

/** A small non-negative INTEGER (versions, iteration counts, lengths). */
export function smallIntOf(block: Block | undefined, what: string, max: number, code: ErrorCode = 'cms/malformed'): number {
  if (!isTag(block, TAG_CLASS_UNIVERSAL, 2)) fail(what, code);
  const bytes = primitiveBytes(block, what, code);
  if (bytes.length === 0 || bytes.length > 6 || (bytes[0]! & 0x80) !== 0) fail(what, code);
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  if (n > max) throw new CachetError(code, `${what}: value ${n} exceeds ${max}`);
  return n;
}

export function bitStringBytes(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed'): Uint8Array {
  // asn1js keeps the unused-bits octet apart from the bits themselves.
  if (!(block instanceof asn1js.BitString) || block.idBlock.isConstructed) fail(what, code);
  if (block.valueBlock.unusedBits !== 0) fail(what, code);
  return block.valueBlock.valueHexView;
}

/** The exact encoding of an element as it appeared in the input. */
export function encodingOf(block: Block): Uint8Array {
  return block.valueBeforeDecodeView;
}

export interface AlgorithmIdentifierView {
  readonly oid: string;
  readonly params: Block | undefined;
}

/** AlgorithmIdentifier (RFC 5280 §4.1.1.2); absent and NULL parameters both give undefined. */
export function algorithmOf(block: Block | undefined, what: string, code: ErrorCode = 'cms/malformed'): AlgorithmIdentifierView {
  const parts = sequenceOf(block, what, code);
  if (parts.length < 1 || parts.length > 2) fail(what, code);
  const oid = oidOf(parts[0], what, code);
  const params = parts[1];
  if (params === undefined || isTag(params, TAG_CLASS_UNIVERSAL, 5)) return { oid, params: undefined };
  return { oid, params };
}
