/**
 * Parsing hostile BER with limits chosen from the input size (issue 3, "Large messages"):
 * asn1js' defaults (16 MiB, 10 000 nodes) would refuse a legitimate 25 MiB message or one
 * whose content is split into many small OCTET STRING chunks, while unlimited parsing
 * would let a small input claim unbounded work.
 */
import * as asn1js from 'asn1js';
import { CachetError, type ErrorCode } from '../errors';
import { concatBytes } from '../mime/byte-sink';
import { walkNested, WalkRefused } from './ber-walk';

/**
 * Nodes grow with the input, but far slower than one per two bytes (what hostile input
 * could reach): streamed content comes in segments of a kilobyte or more, so one node per
 * 256 bytes leaves wide room, while a flood of tiny elements is stopped before it costs
 * millions of objects.
 */
function limitsFor(length: number): { maxDepth: number; maxNodes: number; maxContentLength: number } {
  return {
    maxDepth: 64,
    maxNodes: 10_000 + Math.ceil(length / 256),
    maxContentLength: Math.max(1024, length),
  };
}

/**
 * asn1js lets a child run past the end of its parent's declared length (it reads on into
 * the next element). Such input is not BER (X.690 §8.1.1) and different readers would see
 * different structures in it, so every constructed element must be exactly filled by its
 * children (plus the end-of-contents octets when the length is indefinite).
 */
function checkLengths(root: asn1js.BaseBlock, what: string, code: ErrorCode): void {
  const stack: asn1js.BaseBlock[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const header = node.idBlock.blockLength + node.lenBlock.blockLength;
    const total = node.valueBeforeDecodeView.byteLength;
    if (!node.lenBlock.isIndefiniteForm && header + node.lenBlock.length !== total) {
      throw new CachetError(code, `${what}: an element's length does not match its contents`);
    }
    if (!node.idBlock.isConstructed) continue;
    const children = (node.valueBlock as { value?: unknown }).value;
    if (!Array.isArray(children)) continue;
    let inner = 0;
    for (const child of children as asn1js.BaseBlock[]) {
      inner += child.valueBeforeDecodeView.byteLength;
      stack.push(child);
    }
    const expected = node.lenBlock.isIndefiniteForm ? total - header - 2 : node.lenBlock.length;
    if (inner !== expected) throw new CachetError(code, `${what}: an element's contents overrun or underrun its length`);
  }
}

/** Parses exactly one BER element filling `bytes`; trailing bytes are an error. The input is not copied. */
export function parseBer(bytes: Uint8Array, what: string, code: ErrorCode = 'asn1/malformed'): asn1js.AsnType {
  const limits = limitsFor(bytes.length);
  try {
    walkNested(bytes, limits.maxDepth);
  } catch (error) {
    if (!(error instanceof WalkRefused)) throw error;
    throw new CachetError(code, `${what}: not valid BER (${error.message})`);
  }
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(bytes, { ...limits, copyInput: false, parseEmbedded: false });
  } catch (cause) {
    throw new CachetError(code, `${what}: not valid BER`, { cause });
  }
  if (parsed.offset === -1 || parsed.result.error) throw new CachetError(code, `${what}: not valid BER (${parsed.result.error || 'decoding failed'})`);
  if (parsed.offset !== bytes.length) throw new CachetError(code, `${what}: ${bytes.length - parsed.offset} trailing bytes after the ASN.1 value`);
  checkLengths(parsed.result, what, code);
  return parsed.result;
}

/**
 * The octets of an OCTET STRING, joining the segments of a constructed (BER) one
 * (X.690 §8.7.3), as NSS and OpenSSL stream encapsulated content.
 */
export function octetStringBytes(value: asn1js.BaseBlock, what: string): Uint8Array {
  if (!(value instanceof asn1js.OctetString)) throw new CachetError('cms/malformed', `${what}: expected an OCTET STRING`);
  if (!value.idBlock.isConstructed) return value.valueBlock.valueHexView;
  const pieces: Uint8Array[] = [];
  const walk = (node: asn1js.BaseBlock, depth: number): void => {
    if (!(node instanceof asn1js.OctetString) || depth > 8) throw new CachetError('cms/malformed', `${what}: bad constructed OCTET STRING`);
    if (!node.idBlock.isConstructed) {
      pieces.push(node.valueBlock.valueHexView);
      return;
    }
    for (const child of node.valueBlock.value) walk(child, depth + 1);
  };
  walk(value, 0);
  return concatBytes(pieces);
}

/** The exact received encoding of an element (tag, length and value). */
export function receivedBytes(value: asn1js.BaseBlock): Uint8Array {
  return value.valueBeforeDecodeView;
}
