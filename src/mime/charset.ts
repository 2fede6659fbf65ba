/**
 * Bytes to text for headers and bodies. Mail in the wild mislabels charsets or omits
 * them, so a label the platform does not know, or no label, falls back to UTF-8 when the
 * bytes are valid UTF-8 (RFC 6532 headers, unlabelled 8bit bodies) and otherwise to
 * windows-1252, which maps every byte and so never fails.
 */

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(label: string): TextDecoder | null {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/** Labels that promise ASCII: decoding them as UTF-8 first keeps honest 8-bit text readable. */
const asciiLabels = new Set(['us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso646-us', 'us', 'unknown-8bit', 'x-unknown', 'default']);

export function decodeBytes(bytes: Uint8Array, charset?: string): string {
  const label = charset?.trim().toLowerCase() ?? '';
  if (label !== '' && !asciiLabels.has(label)) {
    const decoder = decoderFor(label);
    if (decoder) return decoder.decode(bytes);
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

/** True when the platform can decode text labelled `charset`. */
export function isKnownCharset(charset: string): boolean {
  const label = charset.trim().toLowerCase();
  return asciiLabels.has(label) || decoderFor(label) !== null;
}
