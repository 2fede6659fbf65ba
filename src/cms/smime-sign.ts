/**
 * S/MIME signing of a MIME entity (B12): clear-signed `multipart/signed` with a detached
 * `application/pkcs7-signature` part (RFC 8551 §3.5.3, RFC 1847 §2.1), or opaque
 * `application/pkcs7-mime; smime-type=signed-data` (RFC 8551 §3.5.2). The result is a
 * MIME entity (its Content-* header fields, blank line, body); the caller puts the
 * RFC 5322 header fields in front of it.
 */
import { CachetError } from '../errors';
import { asciiBytes, concatBytes } from '../mime/byte-sink';
import { base64Length, encodeBase64 } from '../mime/encode-base64';
import type { ContentRun } from './content-run';
import { piecesLength } from './der-writer';
import { MICALG_NAMES } from './oids';
import { planSignedData, signSignedData, type SignSignedDataOptions, type SigningHash } from './signed-data-sign';

export interface SmimeSignOptions extends Omit<SignSignedDataOptions, 'content' | 'detached'> {
  /** Opaque signed-data instead of multipart/signed (B12, `clearSign` off). */
  readonly opaque?: boolean;
  /** Random bytes for the multipart boundary (WebCrypto's getRandomValues). */
  readonly randomBytes: (length: number) => Uint8Array;
  /**
   * Where the entity's lines that start with "--" begin, when the caller's canonical check
   * found them: a boundary is then compared with those lines only, not searched for in
   * every octet of the entity.
   */
  readonly dashLines?: readonly number[];
}

const CRLF = '\r\n';

/**
 * RFC 8551 §3.1.1: the entity must be canonical before signing, and for multipart/signed
 * every line must end in CRLF or a transport may change the signed bytes.
 */
function requireCanonical(entity: Uint8Array): void {
  // Jumping from LF to LF with indexOf is about twice as fast as looking at every octet.
  for (let at = entity.indexOf(0x0a); at !== -1; at = entity.indexOf(0x0a, at + 1)) {
    if (at === 0 || entity[at - 1] !== 0x0d) {
      throw new CachetError('input/invalid', 'the entity to sign is not canonical: a line ends in a bare LF');
    }
  }
  if (entity.length === 0) throw new CachetError('input/invalid', 'the entity to sign is empty');
}

/** The checks an entity to sign gets, by where it comes from (`CanonicalEntity`). */
function checkEntity(entity: Uint8Array, canonical: CanonicalEntity): void {
  if (canonical === 'check') requireCanonical(entity);
  else if (entity.length === 0) throw new CachetError('input/invalid', 'the entity to sign is empty');
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first as number); i !== -1 && i + needle.length <= haystack.length; i = haystack.indexOf(first as number, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A fresh random boundary. Its "=_" cannot occur in base64 or quoted-printable text, so an
 * entity written by Cachet in those encodings under fixed header fields (an envelope)
 * cannot hold it; any other entity is searched (`chooseBoundary`).
 */
export function randomBoundary(randomBytes: (length: number) => Uint8Array): string {
  return `----=_cachet_${hex(randomBytes(12))}`;
}

/** Whether a line starting at one of `lineStarts` begins with `prefix`. */
function beginsALine(entity: Uint8Array, lineStarts: readonly number[], prefix: Uint8Array): boolean {
  return lineStarts.some((start) => start + prefix.length <= entity.length && prefix.every((octet, i) => entity[start + i] === octet));
}

/**
 * A boundary that does not occur in the entity (RFC 2046 §5.1.1). With the entity's "--"
 * lines known, it must not begin one of them, which is what the RFC forbids; otherwise it
 * must not occur anywhere, which is stricter and reads every octet.
 */
function chooseBoundary(entity: Uint8Array, randomBytes: (length: number) => Uint8Array, dashLines: readonly number[] | undefined): string {
  for (;;) {
    const boundary = randomBoundary(randomBytes);
    const delimiter = asciiBytes(`--${boundary}`);
    if (!(dashLines ? beginsALine(entity, dashLines, delimiter) : contains(entity, delimiter))) return boundary;
  }
}

/** multipart/signed up to its first part (RFC 1847 §2.1, RFC 8551 §3.5.3). */
export function multipartSignedHead(boundary: string, hash: SigningHash): Uint8Array {
  return asciiBytes([
    `Content-Type: multipart/signed; protocol="application/pkcs7-signature";`,
    ` micalg=${MICALG_NAMES[hash]}; boundary="${boundary}"`,
    '',
    'This is a cryptographically signed message in MIME format.',
    '',
    `--${boundary}`,
    '',
  ].join(CRLF));
}

/** multipart/signed after its first part: the signature part, base64, and the close delimiter. */
export function multipartSignedTail(boundary: string, signatureBase64: Uint8Array): Uint8Array[] {
  return [
    asciiBytes([
      // RFC 1847 §2.1: the CRLF before the next delimiter belongs to the delimiter, not the signed part.
      '',
      `--${boundary}`,
      'Content-Type: application/pkcs7-signature; name="smime.p7s"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="smime.p7s"',
      'Content-Description: S/MIME Cryptographic Signature',
      '',
      '',
    ].join(CRLF)),
    signatureBase64,
    asciiBytes(`${CRLF}--${boundary}--${CRLF}`),
  ];
}

/** Signs `entity` (canonical MIME entity bytes) and returns the S/MIME entity. */
export async function signSmimeEntity(entity: Uint8Array, options: SmimeSignOptions): Promise<Uint8Array> {
  return concatBytes(await signedEntityPieces(entity, options, 'check'));
}

/**
 * multipart/signed over `entity` as a run of pieces whose signature part follows once the
 * signature is made, so that encryption around it can start at once; undefined when the
 * signature part's length is not known before the signature is (opaque, or ECDSA).
 */
export function signedEntityRun(entity: Uint8Array, options: SmimeSignOptions, canonical: CanonicalEntity): ContentRun | undefined {
  const { opaque = false, randomBytes, dashLines, ...signOptions } = options;
  if (opaque) return undefined;
  checkEntity(entity, canonical);
  const planned = planSignedData({ ...signOptions, content: entity, detached: true });
  if (planned.length === undefined) return undefined;
  const signing = planned.sign();
  signing.catch(() => undefined); // awaited through `rest`, unless choosing the boundary throws first
  const boundary = chooseBoundary(entity, randomBytes, dashLines);
  const head = multipartSignedHead(boundary, options.hash ?? 'SHA-256');
  const tailLength = piecesLength(multipartSignedTail(boundary, new Uint8Array(base64Length(planned.length))));
  const rest = signing.then((der) => multipartSignedTail(boundary, encodeBase64(der)));
  rest.catch(() => undefined); // its reader sees the failure
  return { length: head.length + entity.length + tailLength, pieces: [head, entity], rest };
}

/**
 * Where the entity to sign comes from: from outside, so it is checked to be canonical; or
 * checked already, or written by Cachet in canonical form (an envelope entity: CRLF lines
 * of base64 under fixed header fields), so a second scan of megabytes would find nothing.
 */
export type CanonicalEntity = 'check' | 'known-canonical';

/**
 * The S/MIME entity as pieces, `entity` itself one of them for multipart/signed: the
 * caller joins them once into the final message instead of every layer copying them.
 */
export async function signedEntityPieces(entity: Uint8Array, options: SmimeSignOptions, canonical: CanonicalEntity): Promise<Uint8Array[]> {
  checkEntity(entity, canonical);
  const { opaque = false, randomBytes, dashLines, ...signOptions } = options;
  const signing = signSignedData({ ...signOptions, content: entity, detached: !opaque });
  signing.catch(() => undefined); // awaited below, unless choosing the boundary throws first
  // Without its "--" lines known, the boundary search reads the whole entity, as the digest
  // does off the main thread: in parallel.
  const boundary = opaque ? '' : chooseBoundary(entity, randomBytes, dashLines);
  const base64 = encodeBase64(await signing);

  if (opaque) {
    return [
      asciiBytes([
        'Content-Type: application/pkcs7-mime; smime-type=signed-data;',
        ' name="smime.p7m"',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="smime.p7m"',
        'Content-Description: S/MIME Signed Message',
        '',
        '',
      ].join(CRLF)),
      base64,
      asciiBytes(CRLF),
    ];
  }

  return [multipartSignedHead(boundary, options.hash ?? 'SHA-256'), entity, ...multipartSignedTail(boundary, base64)];
}
