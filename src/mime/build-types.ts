/**
 * What the builder takes: a small tree of body parts. The parsed tree (`types.ts`) keeps
 * byte ranges of received mail; this one describes mail still to be written.
 */

export type TransferEncoding = '7bit' | '8bit' | 'quoted-printable' | 'base64';

/** A text body in UTF-8. Line breaks (LF, CR or CRLF) are written as CRLF. */
export interface TextNode {
  readonly kind: 'text';
  readonly subtype: 'plain' | 'html';
  readonly text: string;
  /** Chosen from the content when absent (see `chooseTextEncoding`). */
  readonly transferEncoding?: TransferEncoding;
}

/** Any octets: a file, an inline image, a signature. */
export interface AttachmentNode {
  readonly kind: 'attachment';
  readonly content: Uint8Array;
  /** Any Unicode; written with RFC 2231 (`filename*`) and an RFC 2047 `name=` fallback. */
  readonly filename?: string;
  /** `type/subtype`; guessed from the file name when absent. */
  readonly contentType?: string;
  /** Extra Content-Type parameters, e.g. `{ charset: 'utf-8' }` or `{ 'smime-type': … }`. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Default `attachment`; `inline` for images shown in HTML (with `contentId`). */
  readonly disposition?: 'attachment' | 'inline';
  /** For multipart/related (RFC 2387): the id an HTML `cid:` URL names, with or without `<>`. */
  readonly contentId?: string;
  /** Default base64. */
  readonly transferEncoding?: TransferEncoding;
}

export interface MultipartNode {
  readonly kind: 'multipart';
  readonly subtype: 'mixed' | 'alternative' | 'related' | 'signed';
  readonly parts: readonly MimeNode[];
  /**
   * Extra Content-Type parameters (`protocol` and `micalg` for signed, RFC 1847 §2.1;
   * `type` for related is filled in from the first part when absent). Never `boundary`.
   */
  readonly parameters?: Readonly<Record<string, string>>;
}

/**
 * A complete entity already written (headers, blank line, body), embedded byte for byte:
 * for instance the signed first part of a multipart/signed, which must not change.
 */
export interface PrebuiltNode {
  readonly kind: 'prebuilt';
  readonly bytes: Uint8Array;
}

export type MimeNode = TextNode | AttachmentNode | MultipartNode | PrebuiltNode;

/** Fills the array with random octets and returns it, like WebCrypto `getRandomValues`. */
export type RandomSource = (bytes: Uint8Array) => Uint8Array;

export interface BuildOptions {
  /** Randomness for boundaries (and Message-ID): injected, since src/ has no `crypto`. */
  readonly random: RandomSource;
  /**
   * Write content that will be signed: every leaf 7-bit safe with a transfer encoding that
   * no relay will change (RFC 8551 §3.1.2 and §3.1.3). See `canonical.ts`.
   */
  readonly forSigning?: boolean;
}
