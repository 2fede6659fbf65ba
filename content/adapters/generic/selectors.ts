/**
 * What the generic adapter looks for on any page (taken 2026-12-07 from RFC 8551 §3.2's
 * file names and media types; no webmail version applies). Checked on 2026-12-07 against
 * CiderWebmail 1.05 (Debian 12), whose attachment links name the part only in their text.
 */

/** Links whose name, text or type may be an S/MIME part; `kindOf` checks each closely. */
export const smimeLinkSelector = 'a[href]';

/** smime.p7m / .p7s / .p7c file names and the S/MIME media types (RFC 8551 §3.2.1). */
export const smimeNamePattern = /\bsmime\.p7[ms]\b|\.p7[ms]\b|application\/(x-)?pkcs7-(mime|signature)/i;
