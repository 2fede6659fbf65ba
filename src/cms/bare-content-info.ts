/**
 * A bare `smime.p7m`: webmails offer the encrypted or opaque-signed attachment of a message
 * on its own, without the header fields around it, as the CMS ContentInfo itself (RFC 5652
 * §3) in DER or BER, as base64 text, or armoured as PEM ("PKCS7" as OpenSSL writes it, "CMS"
 * as RFC 7468 §9 names it). Such input is wrapped here as the application/pkcs7-mime entity
 * it was cut from (RFC 8551 §3.2), so every reader reads it with the same pipeline as mail.
 *
 * Recognition is strict, because text that happens to be base64 must stay text: input is a
 * bare ContentInfo only when its DER is one SEQUENCE filling the input, of a content-type OID
 * for SignedData, EnvelopedData or AuthEnvelopedData and a [0] EXPLICIT SEQUENCE that starts
 * with its version. Input plainly meant as CMS (binary DER, PEM armour, base64 of a DER
 * header) that fails these checks is a typed error; other input is left as a message.
 *
 * The work is bounded whatever the input: a message is told apart at its first header
 * field (':' is not base64), the structure check reads a handful of elements (the BER walk
 * has its own step budget for indefinite lengths), and the size of what is read is the
 * caller's limit (the runtime request bound, the reader page's file bound). Wrapping costs
 * one base64 copy of the DER, which a consuming reader then decodes in place.
 */
import { CachetError } from '../errors';
import { encodeBase64Into, base64Length } from '../mime/encode-base64';
import { decodeBase64, decodeTransferPrefix } from '../mime/transfer-decoding';
import { decodeOid } from '../pki/der';
import { berWalker, WalkRefused, type BerWalker, type Tlv } from './ber-walk';
import { OID_AUTH_ENVELOPED_DATA, OID_ENVELOPED_DATA, OID_SIGNED_DATA } from './oids';

export type BareEncoding = 'der' | 'base64' | 'pem';

export interface MessageInput {
  /** What to read as a message: the input itself, or the entity wrapping a bare ContentInfo. */
  readonly message: Uint8Array;
  /** How a bare ContentInfo was given. Such input has no From and no Date to check signers against. */
  readonly bare?: BareEncoding;
}

/** RFC 8551 §3.2.2 smime-type of each content type that reads as a message. */
const smimeTypes: ReadonlyMap<string, string> = new Map([
  [OID_ENVELOPED_DATA, 'enveloped-data'],
  [OID_AUTH_ENVELOPED_DATA, 'authEnveloped-data'],
  [OID_SIGNED_DATA, 'signed-data'],
]);

/** RFC 3274 CompressedData: a known CMS type that no reader here opens. */
const OID_COMPRESSED_DATA = '1.2.840.113549.1.9.16.1.9';

/** OpenSSL's PEM labels for CMS (PEM_STRING_PKCS7, PEM_STRING_PKCS7_SIGNED, PEM_STRING_CMS). */
const pemLabels = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);

const SEQUENCE = 0x30;
const OID = 0x06;
const INTEGER = 0x02;
const EXPLICIT_0 = 0xa0;
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const EQUALS = 0x3d;

const latin1 = new TextDecoder('latin1');

function unusable(code: 'cms/malformed' | 'cms/unsupported' | 'input/invalid', why: string, cause?: unknown): CachetError {
  return new CachetError(code, `not an e-mail message, nor a usable smime.p7m: ${why}`, cause === undefined ? undefined : { cause });
}

function isWhitespace(octet: number | undefined): boolean {
  return octet === SP || octet === HT || octet === CR || octet === LF;
}

function isBase64Letter(octet: number): boolean {
  return (octet >= 0x41 && octet <= 0x5a) || (octet >= 0x61 && octet <= 0x7a) || (octet >= 0x30 && octet <= 0x39) || octet === 0x2b || octet === 0x2f;
}

/**
 * Whether octets start as a DER or BER SEQUENCE would: a long-form or indefinite length
 * (X.690 §8.1.3), or a short one followed by the OID a ContentInfo starts with. Text never
 * starts so; a real ContentInfo of any use is longer than 127 octets anyway.
 */
function startsLikeDer(octets: Uint8Array): boolean {
  const length = octets[1];
  return octets[0] === SEQUENCE && length !== undefined && (length >= 0x80 || octets[2] === OID);
}

/**
 * Whether `text` is base64 and nothing else: the alphabet, line breaks, at most two '=' at
 * the end, and a length a base64 encoder can write (RFC 4648 §4). Blanks are allowed only
 * around it, or anywhere with `blanksInside` (PEM, RFC 7468 §3): words separated by spaces
 * are prose, however base64-like each word is.
 */
function isBase64Text(text: Uint8Array, blanksInside: boolean): boolean {
  let start = 0;
  let end = text.length;
  while (start < end && isWhitespace(text[start])) start++;
  while (end > start && isWhitespace(text[end - 1])) end--;
  let letters = 0;
  let pads = 0;
  for (let i = start; i < end; i++) {
    const octet = text[i] as number;
    if (octet === CR || octet === LF || (blanksInside && isWhitespace(octet))) continue;
    if (octet === EQUALS) {
      if (++pads > 2) return false;
    } else if (pads > 0 || !isBase64Letter(octet)) {
      return false;
    } else {
      letters++;
    }
  }
  if (letters === 0) return false;
  return pads > 0 ? (letters + pads) % 4 === 0 : letters % 4 !== 1;
}

function withinWalk<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof WalkRefused) throw unusable('cms/malformed', 'its DER is truncated or malformed');
    throw error;
  }
}

function onlyChildren(walker: BerWalker, parent: Tlv, count: number, what: string): Tlv[] {
  const children = walker.children(parent);
  if (children.length !== count) throw unusable('cms/malformed', `${what} has ${children.length} elements, not ${count}`);
  return children;
}

function contentTypeOid(value: Uint8Array): string {
  try {
    return decodeOid(value);
  } catch (cause) {
    throw unusable('cms/malformed', 'its content type is no valid OID', cause);
  }
}

/** The smime-type of a well-formed ContentInfo filling `der` (RFC 5652 §3); throws otherwise. */
function contentInfoSmimeType(der: Uint8Array): string {
  return withinWalk(() => {
    const walker = berWalker(der);
    const root = walker.element(0, der.length);
    if (root.identifier !== SEQUENCE) throw unusable('cms/malformed', 'it is not a DER SEQUENCE');
    if (root.end !== der.length) throw unusable('cms/malformed', `${der.length - root.end} octets follow the ContentInfo`);
    const [type, explicit] = onlyChildren(walker, root, 2, 'the ContentInfo') as [Tlv, Tlv];
    if (type.identifier !== OID) throw unusable('cms/malformed', 'the ContentInfo does not start with a content type');
    const oid = contentTypeOid(der.subarray(type.contentStart, type.contentEnd));
    const smimeType = smimeTypes.get(oid);
    if (smimeType === undefined) {
      const what = oid === OID_COMPRESSED_DATA ? 'CompressedData' : `content type ${oid}`;
      throw unusable('cms/unsupported', `${what} is not signed, enveloped or authEnveloped data`);
    }
    if (explicit.identifier !== EXPLICIT_0) throw unusable('cms/malformed', 'the ContentInfo has no [0] content');
    const [content] = onlyChildren(walker, explicit, 1, 'the [0] content') as [Tlv];
    const version = content.identifier === SEQUENCE ? walker.children(content)[0] : undefined;
    if (version?.identifier !== INTEGER) throw unusable('cms/malformed', 'the content is not a SEQUENCE starting with its version');
    return smimeType;
  });
}

/** Where the text between PEM armour lines lies, for a CMS label; throws for any other armour. */
function pemBody(input: Uint8Array, start: number): Uint8Array {
  // The armour lines are ASCII; only they are decoded as text, never the whole input.
  const head = latin1.decode(input.subarray(start, start + 64));
  const begin = /^-----BEGIN ([A-Z0-9 #]{1,40})-----\r?\n/.exec(head);
  if (!begin) throw unusable('input/invalid', 'its PEM armour line is broken');
  const label = begin[1] as string;
  if (!pemLabels.has(label)) throw unusable('input/invalid', `a PEM "${label}" is not a CMS message (expected PKCS7 or CMS)`);
  const bodyStart = start + begin[0].length;
  const endLine = `-----END ${label}-----`;
  // The end line comes last: only blanks may follow it.
  let tail = input.length;
  while (tail > bodyStart && isWhitespace(input[tail - 1])) tail--;
  const bodyEnd = tail - endLine.length;
  if (bodyEnd < bodyStart || latin1.decode(input.subarray(bodyEnd, tail)) !== endLine) {
    throw unusable('input/invalid', `the PEM has no "${endLine}" at its end`);
  }
  const body = input.subarray(bodyStart, bodyEnd);
  if (!isBase64Text(body, true)) throw unusable('input/invalid', 'the PEM holds more than base64');
  return body;
}

/** The application/pkcs7-mime entity (RFC 8551 §3.2) around `der`, base64-encoded. */
function pkcs7MimeEntity(der: Uint8Array, smimeType: string): Uint8Array {
  const head = new TextEncoder().encode(
    'MIME-Version: 1.0\r\n' +
      `Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m\r\n` +
      'Content-Transfer-Encoding: base64\r\n' +
      'Content-Disposition: attachment; filename=smime.p7m\r\n\r\n',
  );
  const out = new Uint8Array(head.length + base64Length(der.length) + 2);
  out.set(head);
  const end = encodeBase64Into(der, out, head.length);
  out[end] = CR;
  out[end + 1] = LF;
  return out;
}

/**
 * `input` as a message to read: a bare ContentInfo in DER, base64 or PEM becomes the
 * application/pkcs7-mime entity holding it; anything else is returned as it is. Throws a
 * CachetError for input that is plainly meant as CMS but is not a usable ContentInfo.
 */
export function wrapBareContentInfo(input: Uint8Array): MessageInput {
  if (startsLikeDer(input)) return { message: pkcs7MimeEntity(input, contentInfoSmimeType(input)), bare: 'der' };
  let start = 0;
  while (isWhitespace(input[start])) start++;
  if (input[start] === 0x2d && latin1.decode(input.subarray(start, start + 11)) === '-----BEGIN ') {
    const der = decodeBase64(pemBody(input, start));
    return { message: pkcs7MimeEntity(der, contentInfoSmimeType(der)), bare: 'pem' };
  }
  // Text of base64 whose first octets do not decode to a DER header is left as a message.
  if (!isBase64Text(input, false) || !startsLikeDer(decodeTransferPrefix(input, 'base64', 8))) return { message: input };
  const der = decodeBase64(input);
  return { message: pkcs7MimeEntity(der, contentInfoSmimeType(der)), bare: 'base64' };
}
