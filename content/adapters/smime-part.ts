/**
 * What an attachment's name or media type says about the S/MIME message it belongs to
 * (RFC 8551 §3.2.1, §3.2.2): `smime.p7m` / application/pkcs7-mime is an encrypted or
 * opaque-signed message, `smime.p7s` / application/pkcs7-signature the signature of a
 * clear-signed one. For adapters that see a message only through its attachment chips.
 */
import type { SecureKind } from './adapter';

const mimePart = /\.p7m$|^application\/(x-)?pkcs7-mime\b/i;
const signaturePart = /\.p7s$|^application\/(x-)?pkcs7-signature\b/i;

/** The kind of message these attachments (names or media types) make it, if any. */
export function smimeKindOf(attachments: readonly string[]): SecureKind | undefined {
  const names = attachments.map((a) => a.trim());
  if (names.some((n) => mimePart.test(n))) return 'encrypted';
  return names.some((n) => signaturePart.test(n)) ? 'signed' : undefined;
}
