/**
 * The recipients' certificates and the content cipher of `cachet encrypt` and
 * `cachet protect`.
 */
import { readFile } from 'node:fs/promises';
import { UsageError, type CliIo } from '../command';
import { readInput } from './cli-input';
import type { ContentCipherChoice } from '../../../src/cms/encrypt';
import type { KeyTransportChoice } from '../../../src/cms/recipient-info-ktri';
import { CachetError } from '../../../src/errors';
import { looksLikePem, readPemCertificates } from '../../keys/pem';

const CIPHERS: readonly ContentCipherChoice[] = ['aes-256-cbc', 'aes-128-cbc', 'aes-256-gcm', 'aes-128-gcm'];

/** --cipher; AES-256-CBC by default, as when the recipients' capabilities are unknown (DESIGN.md, Choices). */
export function contentCipher(name: string | undefined): ContentCipherChoice {
  const wanted = (name ?? 'aes-256-cbc').toLowerCase();
  const cipher = CIPHERS.find((c) => c === wanted);
  if (!cipher) throw new UsageError(`unsupported cipher ${wanted}`);
  return cipher;
}

/** A --to file: PEM or DER; the first certificate of a PEM bundle. */
export async function readCertificate(path: string): Promise<Uint8Array> {
  const data = new Uint8Array(await readFile(path));
  if (!looksLikePem(data)) return data;
  const [first] = readPemCertificates(data);
  if (!first) throw new CachetError('pki/malformed', `${path} holds no certificate`);
  return first;
}

/** --oaep: RSAES-OAEP with SHA-256; else RSAES-PKCS1-v1_5, which every S/MIME reader decrypts. */
export function keyTransport(oaep: boolean): KeyTransportChoice {
  return oaep ? { name: 'RSA-OAEP', hash: 'SHA-256' } : { name: 'RSAES-PKCS1-v1_5' };
}

/**
 * The message and the --to certificates; a file that cannot be read is said on standard
 * error and gives undefined (exit 2), while a typed error (a broken certificate) is thrown.
 */
export async function readMessageAndRecipients(file: string, toPaths: readonly string[], io: CliIo, command: string): Promise<{ input: Uint8Array; recipients: Uint8Array[] } | undefined> {
  try {
    const input = await readInput(file, io);
    const recipients: Uint8Array[] = [];
    for (const path of toPaths) recipients.push(await readCertificate(path));
    return { input, recipients };
  } catch (error) {
    if (error instanceof CachetError) throw error;
    io.stderr.write(`cachet ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}
