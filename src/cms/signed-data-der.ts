/**
 * The DER of a ContentInfo holding a one-signer SignedData (RFC 5652 §5.1–§5.3), written
 * from parts already encoded: the certificates exactly as received, the signer's
 * IssuerAndSerialNumber, the signed attributes and the signature. Building the same with
 * PKI.js objects re-parses every certificate and costs milliseconds per signature; a
 * triple wrap makes two signatures and plans the length of the inner one.
 */
import { integer, octetString, oid, sequence, tlv, tlvOfList, wrapPieces, type Pieces } from './der-writer';
import { OID_DATA, OID_SIGNED_DATA } from './oids';

export interface SignedDataParts {
  /** AlgorithmIdentifier of the digest. */
  readonly digestAlgorithm: Uint8Array;
  /** SignerIdentifier: an IssuerAndSerialNumber. */
  readonly signerId: Uint8Array;
  /** The signed attributes as a DER SET OF (identifier 0x31), as the signature covers them. */
  readonly signedAttributes: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
  /** Certificates in the order they are to appear, each its exact DER. */
  readonly certificates: readonly Uint8Array[];
  /** The eContent for an encapsulated signature; absent for a detached one. */
  readonly content?: Uint8Array;
}

/** Version 1: IssuerAndSerialNumber, id-data content, no attribute certificates (RFC 5652 §5.1, §5.3). */
const VERSION_1 = integer(1);

/** The same contents under another identifier octet (for IMPLICIT tagging). */
function retagged(identifier: number, der: Uint8Array): Uint8Array {
  const copy = der.slice();
  copy[0] = identifier;
  return copy;
}

function signerInfo(parts: SignedDataParts): Uint8Array {
  return sequence(
    VERSION_1,
    parts.signerId,
    parts.digestAlgorithm,
    // signedAttrs [0] IMPLICIT SignedAttributes
    retagged(0xa0, parts.signedAttributes),
    parts.signatureAlgorithm,
    octetString(parts.signature),
  );
}

/** The pieces of the ContentInfo; the eContent is one of them, not copied. */
export function signedDataPieces(parts: SignedDataParts): Pieces {
  const encapsulated = parts.content
    ? wrapPieces(0x30, [oid(OID_DATA), ...wrapPieces(0xa0, wrapPieces(0x04, [parts.content]))])
    : [sequence(oid(OID_DATA))];
  const signedData = wrapPieces(0x30, [
    VERSION_1,
    tlv(0x31, parts.digestAlgorithm),
    ...encapsulated,
    // certificates [0] IMPLICIT CertificateSet, left out when empty
    ...(parts.certificates.length > 0 ? [tlvOfList(0xa0, parts.certificates)] : []),
    tlv(0x31, signerInfo(parts)),
  ]);
  return wrapPieces(0x30, [oid(OID_SIGNED_DATA), ...wrapPieces(0xa0, signedData)]);
}
