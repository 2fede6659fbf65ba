/**
 * Binary values in runtime messages travel as standard base64: Chromium serialises
 * runtime messages as JSON, which would turn a Uint8Array into an object of indices.
 */
import { CachetError } from '../errors';
import { isBase64 } from '../mime/base64-form';
import { encodeBase64 } from '../mime/encode-base64';
import { decodeBase64 } from '../mime/transfer-decoding';

// Base64 is ASCII, so UTF-8 coding is the identity on it: the MIME layer's table-driven
// coder does the work on typed arrays, and one native call turns the octets into the
// string (or back). A message of tens of megabytes crosses to a frame or the host this
// way; a binary string built with fromCharCode and btoa took several times as long.
const ascii = new TextDecoder();
const octets = new TextEncoder();

export function bytesToBase64(bytes: Uint8Array): string {
  return ascii.decode(encodeBase64(bytes, { lineLength: 0 }));
}

export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !isBase64(text)) throw new CachetError('input/invalid', 'not base64');
  // The characters' own buffer is decoded over itself: nothing else holds it.
  return decodeBase64(octets.encode(text), true);
}
