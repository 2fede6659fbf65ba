import type { ContentType, MimePart, SmimeKind } from './types';

/**
 * Classifies a part in S/MIME terms from its headers (RFC 8551 §3.2 media types, §3.2.2
 * smime-type values, §3.2.1 file extensions, plus the pre-RFC 3851 `x-pkcs7-*` names).
 * When the headers do not say which CMS type a pkcs7-mime body holds, the ContentInfo
 * OID at the start of the decoded body decides (RFC 5652 §3). The result is a hint for
 * display and routing; the CMS layer still checks the real content type.
 */

const smimeTypes: Readonly<Record<string, SmimeKind>> = {
  'enveloped-data': 'enveloped-data',
  'authenveloped-data': 'auth-enveloped-data',
  'signed-data': 'signed-data',
  'certs-only': 'certs-only',
  'compressed-data': 'compressed-data',
};

const signatureTypes = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);
const pkcs7MimeTypes = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);

// ContentInfo contentType OIDs, DER-encoded value bytes (RFC 5652 §§5.1, 6.1; RFC 5083; RFC 3274).
const pkcs7 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01];
const contentOids: readonly (readonly [readonly number[], SmimeKind])[] = [
  [[...pkcs7, 0x07, 0x02], 'signed-data'],
  [[...pkcs7, 0x07, 0x03], 'enveloped-data'],
  [[...pkcs7, 0x09, 0x10, 0x01, 0x17], 'auth-enveloped-data'],
  [[...pkcs7, 0x09, 0x10, 0x01, 0x09], 'compressed-data'],
];

/** Reads the contentType OID of a DER or BER ContentInfo prefix, if it is one. */
export function sniffContentInfo(prefix: Uint8Array): SmimeKind | undefined {
  if (prefix[0] !== 0x30) return undefined;
  const lengthByte = prefix[1];
  if (lengthByte === undefined) return undefined;
  // Short form, indefinite (0x80, BER) or long form with 1-4 length octets (X.690 §8.1.3).
  let pos = 2;
  if (lengthByte > 0x80) {
    if (lengthByte > 0x84) return undefined;
    pos += lengthByte - 0x80;
  }
  if (prefix[pos] !== 0x06) return undefined;
  const oidLength = prefix[pos + 1];
  const oid = prefix.subarray(pos + 2, pos + 2 + (oidLength ?? 0));
  for (const [bytes, kind] of contentOids) {
    if (bytes.length === oid.length && bytes.every((b, i) => oid[i] === b)) return kind;
  }
  return undefined;
}

function extensionKind(fileName: string | undefined): SmimeKind | 'p7m' | undefined {
  const lower = fileName?.trim().toLowerCase() ?? '';
  if (lower.endsWith('.p7s')) return 'detached-signature';
  if (lower.endsWith('.p7m')) return 'p7m';
  if (lower.endsWith('.p7c')) return 'certs-only';
  if (lower.endsWith('.p7z')) return 'compressed-data';
  return undefined;
}

export interface SmimeClassification {
  readonly contentType: ContentType;
  /** Content-Disposition filename, else the Content-Type name parameter. */
  readonly fileName: string | undefined;
  readonly children: readonly MimePart[];
  /** First bytes of the transfer-decoded body, computed only when needed. */
  readonly decodedPrefix: () => Uint8Array;
}

export function classifySmime({ contentType, fileName, children, decodedPrefix }: SmimeClassification): SmimeKind {
  const { mediaType, params } = contentType;
  if (mediaType === 'multipart/signed') {
    const protocol = params['protocol']?.trim().toLowerCase();
    if (protocol !== undefined) return signatureTypes.has(protocol) ? 'multipart-signed' : 'none';
    // RFC 1847 §2.1 makes protocol mandatory; without it, the signature part decides.
    return children[1]?.smimeKind === 'detached-signature' ? 'multipart-signed' : 'none';
  }
  if (signatureTypes.has(mediaType)) return 'detached-signature';

  const byExtension = extensionKind(fileName);
  if (pkcs7MimeTypes.has(mediaType)) {
    const smimeType = params['smime-type']?.trim().toLowerCase();
    const declared = smimeType === undefined ? undefined : smimeTypes[smimeType];
    if (declared) return declared;
    if (byExtension !== undefined && byExtension !== 'p7m') return byExtension;
    return sniffContentInfo(decodedPrefix()) ?? 'pkcs7-unknown';
  }
  // RFC 8551 §3.2.1: some agents send application/octet-stream and rely on the file name.
  if (mediaType === 'application/octet-stream' && byExtension !== undefined) {
    if (byExtension !== 'p7m') return byExtension;
    return sniffContentInfo(decodedPrefix()) ?? 'pkcs7-unknown';
  }
  return 'none';
}
