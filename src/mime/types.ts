/**
 * The MIME tree. Every part keeps byte ranges into the one source buffer it was parsed
 * from, so that a multipart/signed first part can be hashed exactly as received
 * (DESIGN.md invariant 4) and nothing is re-serialised before hashing.
 */

/** Half-open byte range [start, end) into `MimePart.source`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface HeaderField {
  /** Field name as written (compare case-insensitively). */
  readonly name: string;
  /** Unfolded value with RFC 2047 encoded words left as they are. */
  readonly value: string;
  /** Bytes of the whole field, name through the final line break. */
  readonly range: ByteRange;
}

export interface ContentType {
  /** Lower-cased `type/subtype`; `text/plain` when absent or unparsable (RFC 2045 §5.2). */
  readonly mediaType: string;
  /** Parameters with lower-cased names, RFC 2231 continuations and charsets decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** What a part is in S/MIME terms (RFC 8551 §3.2, plus the old x-pkcs7 names). */
export type SmimeKind =
  | 'none'
  | 'multipart-signed'
  | 'detached-signature'
  | 'enveloped-data'
  | 'auth-enveloped-data'
  | 'signed-data'
  | 'certs-only'
  | 'compressed-data'
  | 'pkcs7-unknown';

export interface MimePart {
  /** The whole input; every range below indexes into it. Shared, never copied. */
  readonly source: Uint8Array;
  readonly headers: readonly HeaderField[];
  readonly contentType: ContentType;
  /** Lower-cased Content-Transfer-Encoding, `7bit` when absent. */
  readonly transferEncoding: string;
  readonly smimeKind: SmimeKind;
  /** Headers and body together: for a multipart/signed first part, the bytes to hash. */
  readonly range: ByteRange;
  readonly headerRange: ByteRange;
  /** The body as received, still transfer-encoded. */
  readonly bodyRange: ByteRange;
  /** Parts of a multipart, or the one embedded message of a message/rfc822. */
  readonly children: readonly MimePart[];
  readonly preamble?: ByteRange;
  readonly epilogue?: ByteRange;
  /** Problems tolerated while parsing (missing final boundary, bad header line, …). */
  readonly warnings: readonly string[];
}
