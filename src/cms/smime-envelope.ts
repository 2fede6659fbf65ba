/**
 * Encrypted S/MIME messages (RFC 8551 §3.4): the MIME entity to protect is encrypted into
 * EnvelopedData or AuthEnvelopedData and sent as
 *   application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m       (CBC), or
 *   application/pkcs7-mime; smime-type=authEnveloped-data; name=smime.p7m   (GCM),
 * base64-encoded. The message's own header fields (From, To, Subject, ...) stay outside;
 * only the Content-* fields travel inside with the body.
 */
import { CachetError } from '../errors';
import { concatBytes } from '../mime/byte-sink';
import { lfToCrlf } from '../mime/canonical';
import { Base64Writer, base64Length } from '../mime/encode-base64';
import { parseMessage } from '../mime/parse';
import { decodedBody, decodedBodyInPlace } from '../mime/part-access';
import type { MimePart } from '../mime/types';
import type { CmsCrypto } from './cms-crypto';
import { asContentRun, type ContentRun } from './content-run';
import { decryptEnvelope, type DecryptedContent } from './decrypt';
import { streamEncryptedContent, type EncryptOptions } from './encrypt';
import { entityRun } from './signable-entity';
import type { KeyOperator } from './key-operator';

const encoder = new TextEncoder();

/** Header fields that describe the content and so move inside the encryption (RFC 2045 §9). */
function isContentField(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('content-') || lower === 'mime-version';
}

function fieldBytes(part: MimePart, predicate: (name: string) => boolean): Uint8Array[] {
  return part.headers.filter((f) => predicate(f.name)).map((f) => part.source.subarray(f.range.start, f.range.end));
}

function body(part: MimePart): Uint8Array {
  return part.source.subarray(part.bodyRange.start, part.bodyRange.end);
}

/** Content fields, blank line and body of `part`, with CRLF line ends (RFC 8551 §3.1.1). */
export function innerEntity(part: MimePart): Uint8Array {
  const fields = part.headers.filter((f) => isContentField(f.name) && f.name.toLowerCase() !== 'mime-version');
  const run = entityRun(part, fields);
  if (run) return lfToCrlf(run);
  const bytes = fields.map((f) => part.source.subarray(f.range.start, f.range.end));
  return lfToCrlf(concatBytes([...bytes, encoder.encode('\r\n'), body(part)]));
}

/**
 * An application/pkcs7-mime entity (headers and base64 body) whose size is known and whose
 * octets are written on request: the ciphertext is base64-encoded straight into the
 * caller's buffer as it is produced, so neither the ciphertext nor the DER exists whole.
 */
export interface PendingEntity {
  readonly length: number;
  /**
   * Writes the entity into `out` at `offset` (room for `length` octets), telling
   * `written` about each run of octets as it is finished, in order.
   */
  writeInto(out: Uint8Array, offset: number, written?: (octets: Uint8Array) => void): Promise<void>;
}

/** The encrypted entity holding `content`, ready to be written. */
export async function pendingEncryptedEntity(crypto: CmsCrypto, content: ContentRun | readonly Uint8Array[], options: EncryptOptions): Promise<PendingEntity> {
  const { der, kind } = await streamEncryptedContent(crypto, asContentRun(content), options);
  const smimeType = kind === 'auth-enveloped-data' ? 'authEnveloped-data' : 'enveloped-data';
  const head = encoder.encode(
    `Content-Type: application/pkcs7-mime; smime-type=${smimeType};\r\n name=smime.p7m\r\n` +
      'Content-Transfer-Encoding: base64\r\n' +
      'Content-Disposition: attachment; filename=smime.p7m\r\n' +
      'Content-Description: S/MIME Encrypted Message\r\n\r\n',
  );
  const length = head.length + base64Length(der.head.length + der.tailLength) + 2;
  return {
    length,
    async writeInto(out, offset, written) {
      if (offset + length > out.length) throw new CachetError('input/invalid', 'no room for the encrypted entity');
      out.set(head, offset);
      const base64 = new Base64Writer(out, offset + head.length);
      let reported = offset;
      const report = (): void => {
        if (written && base64.offset > reported) written(out.subarray(reported, base64.offset));
        reported = base64.offset;
      };
      base64.write(der.head);
      report();
      await der.writeTail((piece) => {
        base64.write(piece);
        report();
      });
      const end = base64.finish();
      out[end] = 0x0d;
      out[end + 1] = 0x0a;
      if (written) written(out.subarray(reported, end + 2));
    },
  };
}

/** `prefix`, then the encrypted entity holding `content`, in one buffer. */
export async function encryptedEntity(
  crypto: CmsCrypto,
  content: ContentRun | readonly Uint8Array[],
  options: EncryptOptions,
  prefix: readonly Uint8Array[],
): Promise<Uint8Array> {
  const entity = await pendingEncryptedEntity(crypto, content, options);
  const head = concatBytes(prefix);
  const out = new Uint8Array(head.length + entity.length);
  out.set(head);
  await entity.writeInto(out, head.length);
  return out;
}

/**
 * Encrypts a whole RFC 5322 message: its header fields other than Content-* stay
 * outside, MIME-Version is written once, and the body with its Content-* fields is
 * encrypted. Returns the complete encrypted message.
 */
export async function encryptMessage(crypto: CmsCrypto, message: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  const root = parseMessage(message);
  const outer = fieldBytes(root, (name) => !isContentField(name));
  return encryptedEntity(crypto, [innerEntity(root)], options, [lfToCrlf(concatBytes(outer)), encoder.encode('MIME-Version: 1.0\r\n')]);
}

/** Whether the header block of an entity has a MIME-Version field (only the headers are read). */
function hasMimeVersion(entity: Uint8Array): boolean {
  let end = entity.length;
  for (let i = 0; i + 1 < entity.length; i++) {
    if (entity[i] === 0x0a && (entity[i + 1] === 0x0a || (entity[i + 1] === 0x0d && entity[i + 2] === 0x0a))) {
      end = i;
      break;
    }
  }
  if (entity[0] === 0x0a || (entity[0] === 0x0d && entity[1] === 0x0a)) end = 0;
  return /(^|\n)mime-version[ \t]*:/i.test(new TextDecoder('latin1').decode(entity.subarray(0, end)));
}

export function isEncryptedPart(part: MimePart): boolean {
  return part.smimeKind === 'enveloped-data' || part.smimeKind === 'auth-enveloped-data';
}

export interface DecryptPartOptions {
  /**
   * The part's source is the reader's to reuse: nothing reads the encrypted body's octets
   * afterwards. Its base64 is then decoded where it lies and the plaintext takes the
   * ciphertext's place, so a large message and its decrypted content are not held side by
   * side. The encrypted body in the source is overwritten, whether decryption succeeds or not.
   */
  readonly consumeSource?: boolean;
}

/** Decrypts an application/pkcs7-mime enveloped part; the content is the inner MIME entity. */
export async function decryptPart(
  crypto: CmsCrypto,
  part: MimePart,
  operators: readonly KeyOperator[],
  options: DecryptPartOptions = {},
): Promise<DecryptedContent> {
  if (!isEncryptedPart(part)) throw new CachetError('cms/unsupported', 'this part is not an encrypted S/MIME entity');
  const consume = options.consumeSource === true;
  const der = consume ? decodedBodyInPlace(part) : decodedBody(part);
  // Decoded base64 is a new buffer nothing else holds, and a consumed source is the
  // reader's: either way the plaintext may take the ciphertext's place.
  return decryptEnvelope(crypto, der, operators, { derOwned: consume || der.buffer !== part.source.buffer });
}

/**
 * Decrypts an encrypted message into a complete message, as pieces to be written one
 * after another: the outer header fields other than Content-* and MIME-Version, then the
 * decrypted entity, which is not copied once more to join them.
 */
export async function decryptMessagePieces(
  crypto: CmsCrypto,
  message: Uint8Array,
  operators: readonly KeyOperator[],
  options: DecryptPartOptions = {},
): Promise<{ pieces: Uint8Array[]; decrypted: DecryptedContent }> {
  const root = parseMessage(message);
  const decrypted = await decryptPart(crypto, root, operators, options);
  const outer = fieldBytes(root, (name) => !isContentField(name));
  const mimeVersion = hasMimeVersion(decrypted.content) ? [] : [encoder.encode('MIME-Version: 1.0\r\n')];
  return { pieces: [lfToCrlf(concatBytes(outer)), ...mimeVersion, decrypted.content], decrypted };
}

/** `decryptMessagePieces` joined into one buffer. */
export async function decryptMessage(
  crypto: CmsCrypto,
  message: Uint8Array,
  operators: readonly KeyOperator[],
): Promise<{ message: Uint8Array; decrypted: DecryptedContent }> {
  const { pieces, decrypted } = await decryptMessagePieces(crypto, message, operators);
  return { message: concatBytes(pieces), decrypted };
}
