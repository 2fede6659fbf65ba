/**
 * The outer layer of a triple wrap (RFC 2634 §1.1) as clear-signed multipart/signed,
 * written into the one buffer that becomes the message: the envelope's base64 goes
 * straight into its place between the multipart/signed head and the signature part, and
 * where the platform has an incremental digest it is hashed as it is written. The largest
 * layer of the message then exists once, and is read once more only by the platform's
 * digest when there is no incremental one.
 */
import { concatBytes } from '../mime/byte-sink';
import { encodeBase64 } from '../mime/encode-base64';
import { randomBytes, type CmsCrypto } from './cms-crypto';
import type { ContentRun } from './content-run';
import type { EncryptOptions } from './encrypt';
import { piecesLength } from './der-writer';
import { signSignedData } from './signed-data-sign';
import { pendingEncryptedEntity } from './smime-envelope';
import { multipartSignedHead, multipartSignedTail, randomBoundary, type SmimeSignOptions } from './smime-sign';

export type EnvelopeSignOptions = Omit<SmimeSignOptions, 'subtle' | 'randomBytes' | 'opaque' | 'contentDigest' | 'dashLines'>;

/**
 * Room kept after the envelope for the signature part: its header fields and the base64 of
 * a SignedData, which is the certificates plus well under 4 KiB of attributes and signature
 * value. Were it ever short, the message is joined once more instead.
 */
function signaturePartReserve(options: EnvelopeSignOptions): number {
  const certificates = [options.signer.certificate, ...(options.chain ?? []), ...(options.encryptionCertificate ? [options.encryptionCertificate] : [])];
  const signedData = piecesLength(certificates) + 4096;
  return Math.ceil(signedData / 3) * 4 + Math.ceil(signedData / 57) * 2 + 512;
}

/** `prefix`, then multipart/signed over the encrypted entity holding `content`. */
export async function signedEnvelopeMessage(
  crypto: CmsCrypto,
  prefix: readonly Uint8Array[],
  content: ContentRun | readonly Uint8Array[],
  encrypt: EncryptOptions,
  sign: EnvelopeSignOptions,
): Promise<Uint8Array> {
  const hash = sign.hash ?? 'SHA-256';
  const envelope = await pendingEncryptedEntity(crypto, content, encrypt);
  // An envelope is fixed header fields and base64 lines: it cannot hold "=_", so no search.
  const boundary = randomBoundary((length) => randomBytes(crypto, length));
  const head = concatBytes([...prefix, multipartSignedHead(boundary, hash)]);
  const out = new Uint8Array(head.length + envelope.length + signaturePartReserve(sign));
  out.set(head);
  const running = crypto.incrementalDigest?.(hash);
  await envelope.writeInto(out, head.length, running ? (octets) => running.update(octets) : undefined);
  let end = head.length + envelope.length;
  const signature = await signSignedData({
    ...sign,
    subtle: crypto.subtle,
    content: out.subarray(head.length, end),
    detached: true,
    ...(running ? { contentDigest: running.finish() } : {}),
  });
  const tail = multipartSignedTail(boundary, encodeBase64(signature));
  if (end + piecesLength(tail) > out.length) return concatBytes([out.subarray(0, end), ...tail]);
  for (const piece of tail) {
    out.set(piece, end);
    end += piece.length;
  }
  return out.subarray(0, end);
}
