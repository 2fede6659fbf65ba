import { decodeBytes } from './charset';
import { parseContentDisposition, type ContentDisposition } from './content-type';
import { decodeEncodedWords } from './encoded-words';
import { decodeTransfer, decodeTransferInPlace } from './transfer-decoding';
import type { ByteRange, MimePart } from './types';

/** Read access to a parsed part. Byte accessors return views into `part.source`, not copies. */

function view(part: MimePart, range: ByteRange): Uint8Array {
  return part.source.subarray(range.start, range.end);
}

/** First value of a header field (case-insensitive name), unfolded, encoded words kept. */
export function headerValue(part: MimePart, name: string): string | undefined {
  const lower = name.toLowerCase();
  return part.headers.find((field) => field.name.toLowerCase() === lower)?.value;
}

export function headerValues(part: MimePart, name: string): string[] {
  const lower = name.toLowerCase();
  return part.headers.filter((field) => field.name.toLowerCase() === lower).map((field) => field.value);
}

/** Headers and body as received: for a multipart/signed first part, the bytes to hash. */
export function partBytes(part: MimePart): Uint8Array {
  return view(part, part.range);
}

export function headerBytes(part: MimePart): Uint8Array {
  return view(part, part.headerRange);
}

/** The body as received, still transfer-encoded. */
export function bodyBytes(part: MimePart): Uint8Array {
  return view(part, part.bodyRange);
}

/** The body with its Content-Transfer-Encoding undone (a view for 7bit/8bit/binary). */
export function decodedBody(part: MimePart): Uint8Array {
  return decodeTransfer(bodyBytes(part), part.transferEncoding);
}

/**
 * The body decoded over its own octets in the part's source (`decodeTransferInPlace`),
 * for a caller that owns the source and has no further use for the encoded body.
 */
export function decodedBodyInPlace(part: MimePart): Uint8Array {
  return decodeTransferInPlace(bodyBytes(part), part.transferEncoding);
}

/** The decoded body as text in its declared charset, falling back as `decodeBytes` does. */
export function decodedText(part: MimePart): string {
  return decodeBytes(decodedBody(part), part.contentType.params['charset']);
}

export function contentDisposition(part: MimePart): ContentDisposition | undefined {
  const value = headerValue(part, 'content-disposition');
  return value === undefined ? undefined : parseContentDisposition(value).disposition;
}

/**
 * The attachment's file name: Content-Disposition filename (RFC 2183 §2.3), else the
 * Content-Type name. Many agents put RFC 2047 words in these instead of RFC 2231, so
 * those are decoded too.
 */
export function fileName(part: MimePart): string | undefined {
  const name = contentDisposition(part)?.params['filename'] ?? part.contentType.params['name'];
  return name === undefined ? undefined : decodeEncodedWords(name);
}

/** Every part of the tree in document order, the root first; iterative, so depth is no risk. */
export function allParts(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  const stack: MimePart[] = [root];
  for (let part = stack.pop(); part; part = stack.pop()) {
    out.push(part);
    for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i] as MimePart);
  }
  return out;
}
