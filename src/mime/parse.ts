import { CachetError } from '../errors';
import { readContentDisposition, readContentType } from './content-type';
import { parseHeaderBlock } from './header-fields';
import { indexDashLines, type DashLineIndex } from './dash-line-index';
import { findBodyParts } from './multipart-body';
import { classifySmime } from './smime-kind';
import { decodeTransferPrefix, isIdentityEncoding } from './transfer-decoding';
import type { ByteRange, ContentType, HeaderField, MimePart } from './types';
import { WarningList, type WarningSink } from './warning-list';

/**
 * Parses an RFC 5322 message into a MIME tree whose parts keep byte ranges into `source`
 * (DESIGN.md invariant 4). Nothing is copied or re-serialised: a multipart/signed first
 * part's `range` is exactly the bytes its signature covers (RFC 1847 §2.1, RFC 8551
 * §3.5.3). Hostile input gets a best-effort tree with warnings (the first
 * MAX_WARNINGS_PER_PART of each part, then a count); only exceeding the part or
 * header-field limits throws (CachetError 'mime/too-large'), because those bound the
 * memory the tree itself takes.
 *
 * Ranges of a part: `range` runs from the first header byte to the end of the body.
 * `headerRange` holds the header fields with their line breaks; the blank line that ends
 * them lies between `headerRange.end` and `bodyRange.start`.
 */

export interface ParseOptions {
  /** Multipart and message/rfc822 levels parsed before deeper bodies are left as leaves. */
  readonly maxDepth?: number;
  /** Parts in the whole tree before parsing stops with 'mime/too-large'. */
  readonly maxParts?: number;
  /** Header fields in the whole tree before parsing stops with 'mime/too-large'. */
  readonly maxHeaderFields?: number;
  /** Header fields of any one part before parsing stops with 'mime/too-large'. */
  readonly maxHeaderFieldsPerPart?: number;
}

export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_PARTS = 20_000;
export const DEFAULT_MAX_HEADER_FIELDS = 200_000;
/** Long-travelled mail has a few hundred fields (Received, ARC, DKIM); ten thousand is not mail. */
export const DEFAULT_MAX_HEADER_FIELDS_PER_PART = 10_000;

interface Context {
  readonly source: Uint8Array;
  readonly maxDepth: number;
  readonly maxParts: number;
  parts: number;
  readonly maxHeaderFields: number;
  readonly maxHeaderFieldsPerPart: number;
  headerFields: number;
  /** Built on the first multipart; see multipart-body.ts. */
  dashLines: DashLineIndex | undefined;
}

const plainText: ContentType = { mediaType: 'text/plain', params: {} };
const embeddedMessage: ContentType = { mediaType: 'message/rfc822', params: {} };
const embeddedTypes = new Set(['message/rfc822', 'message/global']);

/** Header lookup by case-insensitive name; the first occurrence wins, as in most agents. */
function firstField(fields: readonly HeaderField[], name: string, warnings: WarningSink): HeaderField | undefined {
  let found: HeaderField | undefined;
  for (const field of fields) {
    if (field.name.toLowerCase() !== name) continue;
    if (found) {
      warnings.add(`more than one ${name} header; the first is used`);
      break;
    }
    found = field;
  }
  return found;
}

/** The mechanism token of a Content-Transfer-Encoding value, ignoring comments (RFC 2045 §6.1). */
function transferEncodingOf(value: string | undefined): string {
  if (value === undefined) return '7bit';
  const token = /^[\s]*([^\s;(]*)/.exec(value)?.[1] ?? '';
  return token === '' ? '7bit' : token.toLowerCase();
}

function skipMboxFromLine(source: Uint8Array, start: number, end: number): number {
  const from = [0x46, 0x72, 0x6f, 0x6d, 0x20];
  if (end - start < from.length || !from.every((b, i) => source[start + i] === b)) return start;
  const lf = source.indexOf(0x0a, start);
  return lf < 0 || lf >= end ? end : lf + 1;
}

function parseEntity(ctx: Context, start: number, end: number, depth: number, defaultType: ContentType): MimePart {
  if (++ctx.parts > ctx.maxParts) {
    throw new CachetError('mime/too-large', `message has more than ${ctx.maxParts} MIME parts`);
  }
  const { source } = ctx;
  const warnings = new WarningList();
  let headerStart = start;
  if (depth === 0) {
    headerStart = skipMboxFromLine(source, start, end);
    if (headerStart !== start) warnings.add('mbox "From " line before the headers skipped');
  }

  const fieldLimit = Math.min(ctx.maxHeaderFieldsPerPart, ctx.maxHeaderFields - ctx.headerFields);
  const block = parseHeaderBlock(source, headerStart, end, fieldLimit, warnings);
  ctx.headerFields += block.fields.length;
  const headers = block.fields;
  const typeField = firstField(headers, 'content-type', warnings);
  const { contentType } = readContentType(typeField?.value, defaultType, warnings.prefixed('Content-Type: '));
  const transferEncoding = transferEncodingOf(firstField(headers, 'content-transfer-encoding', warnings)?.value);
  const dispositionField = firstField(headers, 'content-disposition', warnings);
  const disposition = dispositionField && readContentDisposition(dispositionField.value, warnings.prefixed('Content-Disposition: '));

  const bodyRange: ByteRange = { start: block.bodyStart, end };
  const children: MimePart[] = [];
  let preamble: ByteRange | undefined;
  let epilogue: ByteRange | undefined;
  const { mediaType } = contentType;
  const isMultipart = mediaType.startsWith('multipart/');
  const isEmbedded = embeddedTypes.has(mediaType);

  if ((isMultipart || isEmbedded) && depth >= ctx.maxDepth) {
    warnings.add(`nested deeper than ${ctx.maxDepth} levels: body left unparsed`);
  } else if (isMultipart) {
    if (!isIdentityEncoding(transferEncoding)) {
      warnings.add(`multipart with Content-Transfer-Encoding ${transferEncoding} (RFC 2045 §6.4 forbids it)`);
    }
    const boundary = contentType.params['boundary'];
    if (boundary === undefined || boundary === '') {
      warnings.add('multipart without boundary parameter: body left unparsed');
    } else {
      ctx.dashLines ??= indexDashLines(source);
      const found = findBodyParts(source, ctx.dashLines, bodyRange, boundary, ctx.maxParts - ctx.parts);
      if (found === undefined) {
        throw new CachetError('mime/too-large', `message has more than ${ctx.maxParts} MIME parts`);
      }
      for (const warning of found.warnings) warnings.add(warning);
      preamble = found.preamble;
      epilogue = found.epilogue;
      // RFC 2046 §5.1.5: in a digest, parts without Content-Type are messages.
      const childDefault = mediaType === 'multipart/digest' ? embeddedMessage : plainText;
      for (const part of found.parts) children.push(parseEntity(ctx, part.start, part.end, depth + 1, childDefault));
    }
  } else if (isEmbedded) {
    if (isIdentityEncoding(transferEncoding)) {
      children.push(parseEntity(ctx, bodyRange.start, bodyRange.end, depth + 1, plainText));
    } else {
      // RFC 2046 §5.2.1 allows only 7bit, 8bit and binary here; an encoded message would
      // need its own decoded buffer, so it stays a leaf.
      warnings.add(`${mediaType} with Content-Transfer-Encoding ${transferEncoding}: embedded message not parsed`);
    }
  }

  const fileName = disposition?.params['filename'] ?? contentType.params['name'];
  const smimeKind = classifySmime({
    contentType,
    fileName,
    children,
    decodedPrefix: () => decodeTransferPrefix(source.subarray(bodyRange.start, bodyRange.end), transferEncoding, 32),
  });

  return {
    source,
    headers,
    contentType,
    transferEncoding,
    smimeKind,
    range: { start, end },
    headerRange: block.range,
    bodyRange,
    children,
    ...(preamble ? { preamble } : {}),
    ...(epilogue ? { epilogue } : {}),
    warnings: warnings.toArray(),
  };
}

export function parseMessage(source: Uint8Array, options: ParseOptions = {}): MimePart {
  const ctx: Context = {
    source,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxParts: options.maxParts ?? DEFAULT_MAX_PARTS,
    parts: 0,
    maxHeaderFields: options.maxHeaderFields ?? DEFAULT_MAX_HEADER_FIELDS,
    maxHeaderFieldsPerPart: options.maxHeaderFieldsPerPart ?? DEFAULT_MAX_HEADER_FIELDS_PER_PART,
    headerFields: 0,
    dashLines: undefined,
  };
  return parseEntity(ctx, 0, source.length, 0, plainText);
}
