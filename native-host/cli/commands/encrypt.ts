/**
 * `cachet encrypt`: encrypts an RFC 5322 message to one or more certificates (B14). The
 * message's own header fields stay outside; its Content-* fields and body are encrypted.
 */
import { EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs } from './cli-input';
import { writeOutput } from './cli-output';
import { nodeCmsCrypto } from './node-cms-crypto';
import { encryptMessage } from '../../../src/cms/smime-envelope';
import { contentCipher, keyTransport, readMessageAndRecipients } from './recipient-certificates';

const usage = `usage: cachet encrypt --to C.pem [--to C.pem]... [--cipher aes-256-cbc|aes-128-cbc|aes-256-gcm|aes-128-gcm]
                      [--oaep] [-o OUT] FILE
  Encrypts FILE (an RFC 5322 message; '-' reads standard input) to the certificate in
  each --to file (PEM or DER; the first certificate of a PEM bundle) and writes the
  encrypted message. From, To, Subject and the other message header fields stay outside.
  AES-CBC gives EnvelopedData (smime-type=enveloped-data), AES-GCM AuthEnvelopedData
  (smime-type=authEnveloped-data). RSA recipients get RSAES-PKCS1-v1_5 key transport, or
  RSAES-OAEP with SHA-256 with --oaep; EC recipients get ECDH (RFC 5753).
  Default cipher: aes-256-cbc. Exit status: 0 encrypted, 2 unusable input or certificate.`;

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
    const cipher = contentCipher(parsed.values.get('--cipher')?.at(-1));

    const read = await readMessageAndRecipients(file, toPaths, io, 'encrypt');
    if (!read) return EXIT_UNUSABLE;
    const { input, recipients } = read;
    const message = await encryptMessage(nodeCmsCrypto, input, {
      recipients,
      cipher,
      keyTransport: keyTransport(parsed.flags.has('--oaep')),
    });
    writeOutput(parsed.values.get('-o')?.at(-1), [message], io);
    return EXIT_OK;
  },
};
