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

/**
 * The engine's own base64 coder (Uint8Array.fromBase64 and toBase64: Chromium 140,
 * Firefox 133; not Node 20), where there is one: a single native pass where the coder
 * above makes three, measured on a 47 MiB message in the service worker.
 */
export interface NativeBase64 {
  readonly fromBase64?: (text: string, options: { lastChunkHandling: 'strict' }) => Uint8Array;
  readonly toBase64?: (bytes: Uint8Array) => string;
}

export interface Base64Coder {
  readonly bytesToBase64: (bytes: Uint8Array) => string;
  readonly base64ToBytes: (text: string) => Uint8Array;
}

/** Octets `text` decodes to when every character of it is base64 alphabet or padding. */
function decodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

export function base64Coder(native: NativeBase64): Base64Coder {
  const { fromBase64, toBase64 } = native;
  return {
    bytesToBase64: (bytes) => (toBase64 !== undefined ? toBase64(bytes) : ascii.decode(encodeBase64(bytes, { lineLength: 0 }))),
    base64ToBytes: (text) => {
      if (text.length % 4 !== 0) throw new CachetError('input/invalid', 'not base64');
      if (fromBase64 !== undefined) {
        // The native decoder skips ASCII white space, which isBase64 refuses: then fewer
        // octets come out than the characters' count promises, and the text is refused too.
        let bytes: Uint8Array;
        try {
          bytes = fromBase64(text, { lastChunkHandling: 'strict' });
        } catch {
          throw new CachetError('input/invalid', 'not base64');
        }
        if (bytes.length !== decodedLength(text)) throw new CachetError('input/invalid', 'not base64');
        return bytes;
      }
      if (!isBase64(text)) throw new CachetError('input/invalid', 'not base64');
      // The characters' own buffer is decoded over itself: nothing else holds it.
      return decodeBase64(octets.encode(text), true);
    },
  };
}

type EngineBase64 = { fromBase64?: (text: string, options: object) => Uint8Array };
const engineFrom = (Uint8Array as unknown as EngineBase64).fromBase64;
const engineTo = (Uint8Array.prototype as { toBase64?: (this: Uint8Array) => string }).toBase64;
const engine = base64Coder({
  ...(engineFrom !== undefined && { fromBase64: (text: string, options: object) => engineFrom.call(Uint8Array, text, options) }),
  ...(engineTo !== undefined && { toBase64: (bytes: Uint8Array) => engineTo.call(bytes) }),
});

export const { bytesToBase64, base64ToBytes } = engine;
