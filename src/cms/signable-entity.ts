/**
 * What a signature covers when a whole RFC 5322 message is signed: its Content-* fields
 * and body, in S/MIME canonical form (RFC 8551 §3.1). The message's own header fields
 * (From, To, Subject, Date, …) stay on the outer message, as RFC 8551 §3.1 and every
 * agent expect; MIME-Version is written once, outside.
 */
import { asciiBytes, concatBytes } from '../mime/byte-sink';
import { canonicalCheck, canonicalizeEntity, canonicalProblems, lfToCrlf } from '../mime/canonical';
import { encodeBase64 } from '../mime/encode-base64';
import { encodeQuotedPrintable } from '../mime/encode-quoted-printable';
import { decodedBody } from '../mime/part-access';
import type { HeaderField, MimePart } from '../mime/types';

function isContentField(field: HeaderField): boolean {
  return field.name.toLowerCase().startsWith('content-');
}

function fieldBytes(part: MimePart, field: HeaderField): Uint8Array {
  return part.source.subarray(field.range.start, field.range.end);
}

/**
 * The content fields when they are the last header fields, one after another, followed by
 * a CRLF blank line: then fields, blank line and body are one run of the source, and the
 * entity can be a view of it instead of a copy of a message that may be tens of megabytes.
 */
export function entityRun(part: MimePart, fields: readonly HeaderField[]): Uint8Array | undefined {
  const first = fields[0];
  const last = fields.at(-1);
  if (!first || !last) return undefined;
  for (let i = 1; i < fields.length; i++) {
    if ((fields[i] as HeaderField).range.start !== (fields[i - 1] as HeaderField).range.end) return undefined;
  }
  const { source, bodyRange } = part;
  if (bodyRange.start !== last.range.end + 2 || source[last.range.end] !== 0x0d || source[last.range.end + 1] !== 0x0a) return undefined;
  return source.subarray(first.range.start, bodyRange.end);
}

/** The header fields that stay outside every S/MIME layer, with CRLF line ends. */
export function outerFields(root: MimePart): Uint8Array[] {
  return root.headers
    .filter((f) => !isContentField(f) && f.name.toLowerCase() !== 'mime-version')
    .map((f) => lfToCrlf(fieldBytes(root, f)));
}

/** An entity to sign, and where its lines that start with "--" begin when that is known. */
export interface CheckedEntity {
  readonly entity: Uint8Array;
  readonly dashLines?: readonly number[];
}

/**
 * The entity to sign. A single 8-bit body is re-encoded (quoted-printable for text,
 * base64 otherwise) because RFC 8551 §3.1.3 wants signed content 7-bit; 8-bit inside a
 * multipart is refused by the canonical check, since re-encoding it would need every
 * part rebuilt.
 */
export function signableEntity(root: MimePart, run: Uint8Array | undefined = signableRun(root)): Uint8Array {
  return checkedSignableEntity(root, run).entity;
}

/**
 * `signableEntity`, with the "--" lines the canonical check found in it when it is the
 * message's own run: a multipart boundary then needs comparing with those lines only.
 */
export function checkedSignableEntity(root: MimePart, run: Uint8Array | undefined = signableRun(root)): CheckedEntity {
  // Already canonical where it stands in the message: that run itself, checked once, not a copy.
  if (run) {
    const { problems, dashLines } = canonicalCheck(run);
    if (problems.length === 0) return dashLines ? { entity: run, dashLines } : { entity: run };
  }
  return { entity: reencodedEntity(root) };
}

/** The entity in canonical form when the message's own octets are not. */
function reencodedEntity(root: MimePart): Uint8Array {
  const contentFields = root.headers.filter(isContentField);
  const body = root.source.subarray(root.bodyRange.start, root.bodyRange.end);
  const eightBit = canonicalProblems(lfToCrlf(body)).some((p) => p.startsWith('8-bit') || p.startsWith('a line longer'));
  if (root.children.length === 0 && eightBit) {
    const isText = root.contentType.mediaType.startsWith('text/');
    const content = lfToCrlf(decodedBody(root));
    const encoding = isText ? 'quoted-printable' : 'base64';
    const fields = contentFields
      .filter((f) => f.name.toLowerCase() !== 'content-transfer-encoding')
      .map((f) => fieldBytes(root, f));
    const encoded = isText ? encodeQuotedPrintable(content) : encodeBase64(content);
    return canonicalizeEntity(concatBytes([
      ...fields,
      asciiBytes(`Content-Transfer-Encoding: ${encoding}\r\n\r\n`),
      encoded,
      asciiBytes(encoded.at(-1) === 0x0a ? '' : '\r\n'),
    ]));
  }
  return canonicalizeEntity(concatBytes([
    ...contentFields.map((f) => fieldBytes(root, f)),
    asciiBytes('\r\n'),
    body,
  ]));
}

/**
 * What `signableEntity` returns when the message is canonical already, before that is
 * checked: the octets from its Content-* fields to the end, where they stand. Undefined
 * when they are not one run. Given to `signableEntity`, it is returned as the same object.
 */
export function signableRun(root: MimePart): Uint8Array | undefined {
  return entityRun(root, root.headers.filter(isContentField));
}
