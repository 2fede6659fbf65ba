/**
 * What the reader says about how a message was read, beside its signatures: layers not
 * opened and signatures not shown, with the reason (src/cms/read-message.ts), and content
 * that nothing protected from being changed on the way (src/smime/content-integrity.ts).
 */
import type { ReadResult } from '../../src/cms/read-message';
import { unprotectedContentNotices } from '../../src/smime/content-integrity';

/**
 * Thunderbird's rule: a signature around the encrypted body is not shown as the author's.
 * It may be the author's own (a triple wrap, B16) or a gateway's; the signature inside the
 * encryption is the one that says who wrote the message.
 */
const TRANSPORT_NOTICE = 'a signature around the encrypted message is not shown: the signature inside the encryption is the one that says who wrote it';

export function readerNotices(result: ReadResult): string[] {
  const layers = result.layers.flatMap((l) => (l.kind === 'not-opened' ? [l.reason] : l.kind === 'signed' && !l.shown ? [TRANSPORT_NOTICE] : []));
  return [...layers, ...unprotectedContentNotices(result.layers)];
}
