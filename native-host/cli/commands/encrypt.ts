/**
 * `cachet encrypt`: encrypts an RFC 5322 message to one or more certificates (B14). The
 * message's own header fields stay outside; its Content-* fields and body are encrypted.
 */
import { readFile } from 'node:fs/promises';
import { EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs, readInput } from './cli-input';
import { writeOutput } from './cli-output';
import { nodeCmsCrypto } from './node-cms-crypto';
import { encryptMessage } from '../../../src/cms/smime-envelope';
import type { ContentCipherChoice } from '../../../src/cms/encrypt';
import { CachetError } from '../../../src/errors';
import { looksLikePem, readPemCertificates } from '../../keys/pem';

const CIPHERS: readonly ContentCipherChoice[] = ['aes-256-cbc', 'aes-128-cbc', 'aes-256-gcm', 'aes-128-gcm'];

const usage = `usage: cachet encrypt --to C.pem [--to C.pem]... [--cipher aes-256-cbc|aes-128-cbc|aes-256-gcm|aes-128-gcm]
                      [--oaep] [-o OUT] FILE
  Encrypts FILE (an RFC 5322 message; '-' reads standard input) to the certificate in
  each --to file (PEM or DER; the first certificate of a PEM bundle) and writes the
  encrypted message. From, To, Subject and the other message header fields stay outside.
  AES-CBC gives EnvelopedData (smime-type=enveloped-data), AES-GCM AuthEnvelopedData
  (smime-type=authEnveloped-data). RSA recipients get RSAES-PKCS1-v1_5 key transport, or
  RSAES-OAEP with SHA-256 with --oaep; EC recipients get ECDH (RFC 5753).
  Default cipher: aes-256-cbc. Exit status: 0 encrypted, 2 unusable input or certificate.`;

async function readCertificate(path: string): Promise<Uint8Array> {
  const data = new Uint8Array(await readFile(path));
  if (!looksLikePem(data)) return data;
  const [first] = readPemCertificates(data);
  if (!first) throw new CachetError('pki/malformed', `${path} holds no certificate`);
  return first;
}

export const encrypt: Command = {
  name: 'encrypt',
  summary: 'encrypt a message with S/MIME to one or more certificates',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgs(args, ['--to', '--cipher', '-o'], ['--oaep'], (message) => new UsageError(message));
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
    const toPaths = parsed.values.get('--to') ?? [];
    if (toPaths.length === 0) throw new UsageError('give at least one --to certificate');
    const cipherName = (parsed.values.get('--cipher')?.at(-1) ?? 'aes-256-cbc').toLowerCase();
    const cipher = CIPHERS.find((c) => c === cipherName);
    if (!cipher) throw new UsageError(`unsupported cipher ${cipherName}`);

    let input: Uint8Array;
    const recipients: Uint8Array[] = [];
    try {
      input = await readInput(file, io);
      for (const path of toPaths) recipients.push(await readCertificate(path));
    } catch (error) {
      if (error instanceof CachetError) throw error;
      io.stderr.write(`cachet encrypt: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_UNUSABLE;
    }
    const message = await encryptMessage(nodeCmsCrypto, input, {
      recipients,
      cipher,
      keyTransport: parsed.flags.has('--oaep') ? { name: 'RSA-OAEP', hash: 'SHA-256' } : { name: 'RSAES-PKCS1-v1_5' },
    });
    writeOutput(parsed.values.get('-o')?.at(-1), [message], io);
    return EXIT_OK;
  },
};
