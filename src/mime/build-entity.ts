/**
 * Writes a `MimeNode` tree as a MIME entity (RFC 2045, RFC 2046): Content-* header fields,
 * a blank line, the encoded body. Parts are collected as a list of chunks and joined once
 * at the end, so a large attachment is copied once however deep it sits.
 *
 * No line of the output is longer than 998 octets (RFC 5322 §2.1.1): header fields are
 * folded, and any body that would break the limit is quoted-printable or base64 encoded.
 */

import { CachetError } from '../errors';
import { analyzeBody, isEightBitSafe, isSevenBitSafe, MAX_LINE_LENGTH, type BodyAnalysis } from './analyze-body';
import { chooseBoundary } from './boundary';
import { asciiBytes, concatBytes } from './byte-sink';
import type { AttachmentNode, BuildOptions, MimeNode, MultipartNode, PrebuiltNode, TextNode, TransferEncoding } from './build-types';
import { encodeBase64 } from './encode-base64';
import { encodeStructuredField } from './encode-header';
import { encodeParameter, encodeParameterField, encodeWordParameter, type ParameterPieces } from './encode-parameter';
import { encodeQuotedPrintable } from './encode-quoted-printable';
import { guessMediaType } from './guess-media-type';
import { lfToCrlf } from './line-breaks';

/** Deeper trees are refused: nothing legitimate nests this far, and recursion has limits. */
export const MAX_BUILD_DEPTH = 64;

/** Lines of 7bit text that will be signed are kept this short, like QP's own lines. */
const SIGNED_TEXT_LINE_LENGTH = 76;

const MEDIA_TYPE = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]{1,127}\/[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]{1,127}$/;
const MSG_ID_INNER = /^[\x21-\x3b\x3d\x3f-\x7e]{1,250}$/;

/** An entity still in pieces: header field lines (each ending in CRLF) and body chunks. */
export interface EntityChunks {
  readonly headers: string[];
  readonly body: Uint8Array[];
}

interface EncodeContext {
  readonly options: BuildOptions;
  readonly depth: number;
}

function encodeBody(data: Uint8Array, encoding: TransferEncoding, text: boolean): Uint8Array {
  switch (encoding) {
    case 'base64':
      return encodeBase64(data);
    case 'quoted-printable':
      // The line-start escapes cost little and protect mbox and SMTP paths (RFC 2049 §4).
      return encodeQuotedPrintable(data, { binary: !text, escapeFrom: true, escapeLeadingDot: true });
    case '7bit':
    case '8bit':
      return data;
  }
}

/**
 * Quoted-printable unless it would be clearly larger than base64: QP keeps mostly-ASCII
 * text readable in any mail source view, so it is preferred up to a quarter larger.
 */
function smallerEncoding(analysis: BodyAnalysis): TransferEncoding {
  const softBreaks = analysis.longestLine > 76 ? Math.ceil(analysis.length / 73) * 3 : 0;
  const qpEstimate = analysis.length + 2 * analysis.escapes + softBreaks;
  const base64Size = Math.ceil(analysis.length / 3) * 4;
  return qpEstimate <= base64Size * 1.25 ? 'quoted-printable' : 'base64';
}

/** Identity encodings are allowed only when the octets meet their rules (RFC 2045 §2.7–2.8). */
function checkRequested(encoding: TransferEncoding, analysis: BodyAnalysis, forSigning: boolean, what: string): void {
  if (encoding === '7bit' && !isSevenBitSafe(analysis)) {
    throw new CachetError('input/invalid', `${what}: content is not 7bit (8-bit octets, NUL, bare CR/LF or lines over ${MAX_LINE_LENGTH})`);
  }
  if (encoding === '8bit') {
    if (forSigning) throw new CachetError('input/invalid', `${what}: content to be signed must be 7-bit (RFC 8551 §3.1.3)`);
    if (!isEightBitSafe(analysis)) {
      throw new CachetError('input/invalid', `${what}: content is not 8bit (NUL, bare CR/LF or lines over ${MAX_LINE_LENGTH})`);
    }
  }
}

/**
 * The encoding for a text body. Plain 7bit when the text allows it; for content to be
 * signed also no trailing whitespace, no "From "/"." line starts and short lines, which
 * relays are known to alter (RFC 8551 §3.1.3, RFC 2049 §4); otherwise the smaller of QP
 * and base64.
 */
export function chooseTextEncoding(analysis: BodyAnalysis, forSigning: boolean): TransferEncoding {
  if (isSevenBitSafe(analysis)) {
    const fragile =
      forSigning &&
      (analysis.hasTrailingWhitespace || analysis.hasRiskyLineStart || analysis.longestLine > SIGNED_TEXT_LINE_LENGTH);
    if (!fragile) return '7bit';
  }
  return smallerEncoding(analysis);
}

function normalizeLineBreaks(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

function checkMediaType(value: string): string {
  if (!MEDIA_TYPE.test(value)) throw new CachetError('input/invalid', `invalid media type ${JSON.stringify(value.slice(0, 80))}`);
  return value.toLowerCase();
}

function parameterList(parameters: Readonly<Record<string, string>> | undefined, reserved: readonly string[]): ParameterPieces[] {
  const list: ParameterPieces[] = [];
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (reserved.includes(name.toLowerCase())) {
      throw new CachetError('input/invalid', `parameter ${JSON.stringify(name)} is set by the builder`);
    }
    for (const pieces of encodeParameter(name, value)) list.push(pieces);
  }
  return list;
}

function transferEncodingField(encoding: TransferEncoding): string {
  return encodeStructuredField('Content-Transfer-Encoding', encoding);
}

function buildText(node: TextNode, context: EncodeContext): EntityChunks {
  const data = new TextEncoder().encode(normalizeLineBreaks(node.text));
  const analysis = analyzeBody(data);
  const forSigning = context.options.forSigning ?? false;
  const encoding = node.transferEncoding ?? chooseTextEncoding(analysis, forSigning);
  checkRequested(encoding, analysis, forSigning, `text/${node.subtype}`);
  return {
    headers: [
      encodeParameterField('Content-Type', `text/${node.subtype}`, encodeParameter('charset', 'utf-8')),
      transferEncodingField(encoding),
    ],
    body: [encodeBody(data, encoding, true)],
  };
}

function normalizeContentId(contentId: string): string {
  const inner = contentId.startsWith('<') && contentId.endsWith('>') ? contentId.slice(1, -1) : contentId;
  if (!MSG_ID_INNER.test(inner)) throw new CachetError('input/invalid', `invalid Content-ID ${JSON.stringify(contentId.slice(0, 80))}`);
  return `<${inner}>`;
}

function buildAttachment(node: AttachmentNode, context: EncodeContext): EntityChunks {
  const mediaType = checkMediaType(node.contentType ?? guessMediaType(node.filename));
  if (mediaType.startsWith('multipart/')) {
    // A multipart is a structure, not an opaque file: build it as a multipart node.
    throw new CachetError('input/invalid', `${mediaType} cannot be an opaque attachment`);
  }
  const forSigning = context.options.forSigning ?? false;
  let content = node.content;
  let encoding: TransferEncoding;
  if (mediaType.startsWith('message/')) {
    // RFC 2046 §5.2.1 / RFC 2045 §6.4: an attached message is never base64 or QP encoded,
    // so it goes as 7bit, or 8bit where allowed. Its lines must be CRLF like ours.
    if (node.transferEncoding === 'base64' || node.transferEncoding === 'quoted-printable') {
      throw new CachetError('input/invalid', `${mediaType} may not be ${node.transferEncoding} encoded (RFC 2046 §5.2.1)`);
    }
    content = lfToCrlf(content);
    const analysis = analyzeBody(content);
    encoding = node.transferEncoding ?? (isSevenBitSafe(analysis) ? '7bit' : '8bit');
    checkRequested(encoding, analysis, forSigning, mediaType);
  } else {
    encoding = node.transferEncoding ?? 'base64';
    // Only identity encodings depend on the content; skip the pass over large files otherwise.
    if (encoding === '7bit' || encoding === '8bit') checkRequested(encoding, analyzeBody(content), forSigning, mediaType);
  }

  const typeParameters = parameterList(node.parameters, ['name', 'boundary']);
  const dispositionParameters: ParameterPieces[] = [];
  if (node.filename !== undefined) {
    typeParameters.push(encodeWordParameter('name', node.filename));
    for (const pieces of encodeParameter('filename', node.filename)) dispositionParameters.push(pieces);
  }
  const headers = [
    encodeParameterField('Content-Type', mediaType, typeParameters),
    transferEncodingField(encoding),
    encodeParameterField('Content-Disposition', node.disposition ?? 'attachment', dispositionParameters),
  ];
  if (node.contentId !== undefined) headers.push(encodeStructuredField('Content-ID', normalizeContentId(node.contentId)));
  // QP text mode would take the content's CRLFs as line breaks; only text/* has lines.
  return { headers, body: [encodeBody(content, encoding, mediaType.startsWith('text/'))] };
}

/** Content-Type of an entity, for multipart/related's `type` parameter (RFC 2387 §3.1). */
function rootType(node: MimeNode): string | undefined {
  switch (node.kind) {
    case 'text':
      return `text/${node.subtype}`;
    case 'attachment':
      return node.contentType ?? guessMediaType(node.filename);
    case 'multipart':
      return `multipart/${node.subtype}`;
    case 'prebuilt':
      return undefined;
  }
}

function buildMultipart(node: MultipartNode, context: EncodeContext): EntityChunks {
  if (node.parts.length === 0) throw new CachetError('input/invalid', 'a multipart needs at least one part (RFC 2046 §5.1.1)');
  if (node.subtype === 'signed' && node.parts.length !== 2) {
    throw new CachetError('input/invalid', 'multipart/signed has exactly two parts (RFC 1847 §2.1)');
  }
  const inner: EncodeContext = { options: context.options, depth: context.depth + 1 };
  const parts = node.parts.map((part) => entityChunks(part, inner));
  const partChunks = parts.map(serializeChunks);

  const parameters = { ...node.parameters };
  if (node.subtype === 'related' && !Object.keys(parameters).some((key) => key.toLowerCase() === 'type')) {
    const type = node.parts[0] && rootType(node.parts[0]);
    if (type !== undefined) parameters.type = type;
  }
  const boundary = chooseBoundary(context.options.random, partChunks.flat());
  const typeParameters = [...encodeParameter('boundary', boundary), ...parameterList(parameters, ['boundary'])];

  // RFC 2046 §5.1.1: the CRLF before each delimiter belongs to the delimiter, not the part.
  const body: Uint8Array[] = [];
  partChunks.forEach((chunks, index) => {
    body.push(asciiBytes(`${index === 0 ? '' : '\r\n'}--${boundary}\r\n`));
    for (const chunk of chunks) body.push(chunk);
  });
  body.push(asciiBytes(`\r\n--${boundary}--`));
  return { headers: [encodeParameterField('Content-Type', `multipart/${node.subtype}`, typeParameters)], body };
}

/** Longest line of a prebuilt entity; it must not break the 998 limit either. */
function checkPrebuilt(node: PrebuiltNode, forSigning: boolean): void {
  const analysis = analyzeBody(node.bytes);
  if (analysis.longestLine > MAX_LINE_LENGTH || analysis.hasBareLineBreak || analysis.hasNul) {
    throw new CachetError('input/invalid', 'prebuilt entity has bare CR/LF, NUL or lines over 998 octets');
  }
  if (forSigning && analysis.has8bit) {
    throw new CachetError('input/invalid', 'prebuilt entity to be signed must be 7-bit (RFC 8551 §3.1.3)');
  }
}

function entityChunks(node: MimeNode, context: EncodeContext): EntityChunks {
  if (context.depth > MAX_BUILD_DEPTH) throw new CachetError('mime/too-deep', `parts nested deeper than ${MAX_BUILD_DEPTH}`);
  switch (node.kind) {
    case 'text':
      return buildText(node, context);
    case 'attachment':
      return buildAttachment(node, context);
    case 'multipart':
      return buildMultipart(node, context);
    case 'prebuilt':
      checkPrebuilt(node, context.options.forSigning ?? false);
      return { headers: [], body: [node.bytes] };
  }
}

/** The chunks of an entity in order: header block (with its blank line), then body. */
export function serializeChunks(entity: EntityChunks): Uint8Array[] {
  // A prebuilt entity carries its own header block inside its single body chunk.
  if (entity.headers.length === 0) return entity.body;
  return [asciiBytes(entity.headers.join('') + '\r\n'), ...entity.body];
}

/** The pieces of `node` as an entity; `buildMessage` adds message headers in front. */
export function buildEntityChunks(node: MimeNode, options: BuildOptions): EntityChunks {
  return entityChunks(node, { options, depth: 0 });
}

/** `node` written as a MIME entity: Content-* fields, blank line, body. */
export function buildEntity(node: MimeNode, options: BuildOptions): Uint8Array {
  return concatBytes(serializeChunks(buildEntityChunks(node, options)));
}
