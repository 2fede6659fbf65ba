/**
 * `cachet sign`: signs an RFC 5322 message (B12). The message's own header fields
 * (From, To, Subject, Date, …) stay on the outer message; its Content-* fields and body
 * become the signed entity, written in S/MIME canonical form (RFC 8551 §3.1).
 */
import { EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs, readInput } from './cli-input';
import { writeOutput } from './cli-output';
import { STORE_KEY_OPTIONS, STORE_KEY_USAGE } from './store-keys';
import { nodeCmsCrypto } from './node-cms-crypto';
import { fromOf, loadSigner, SIGNING_KEY_OPTIONS, signingHash } from './signing-key';
import { protectMessagePieces } from '../../../src/cms/smime-protect';

const usage = `usage: cachet sign (--cert C.pem --key K.pem | --p12 F --pass P | --token LABEL [--module PATH]... [--pin-file F] | --nssdb DIR)
                   [--opaque] [--pss] [--chain CA.pem]... [--digest sha256|sha384|sha512] [-o OUT] FILE
  Signs FILE (an RFC 5322 message; '-' reads standard input) and writes the signed
  message: clear-signed multipart/signed by default, opaque application/pkcs7-mime with
  --opaque. From, To, Subject, Date and the other message header fields stay outside;
  the Content-* fields and the body are signed. Certificates included: the signer's and
  the intermediates of --chain (or of the PKCS#12 file), never a self-signed root.
  --pss uses RSASSA-PSS with an RSA key. --pass also decrypts an encrypted PEM key.
  With --token or --nssdb the key never leaves the token or database: the identity there
  that can sign and carries the From address is used (else the first that can sign).
${STORE_KEY_USAGE}
  Exit status: 0 signed, 2 unusable input or key.`;

export const sign: Command = {
  name: 'sign',
  summary: 'sign a message with S/MIME (multipart/signed, or opaque with --opaque)',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgs(
      args,
      [...SIGNING_KEY_OPTIONS, '--digest', '-o', ...STORE_KEY_OPTIONS],
      ['--opaque', '--pss'],
      (message) => new UsageError(message),
    );
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
    const hash = signingHash(parsed.values.get('--digest')?.at(-1));

    let input: Uint8Array;
    try {
      input = await readInput(file, io);
    } catch (error) {
      io.stderr.write(`cachet sign: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_UNUSABLE;
    }
    // The From address only chooses among the identities of a token or database.
    const { signer, chain, close } = await loadSigner(parsed.values, io, 'sign', () => fromOf(input));
    let pieces: Uint8Array[];
    try {
      pieces = await protectMessagePieces(nodeCmsCrypto, input, {
        sign: { signer, hash, chain, opaque: parsed.flags.has('--opaque'), rsaPss: parsed.flags.has('--pss') },
      });
    } finally {
      close();
    }

    // Written piece by piece: joining them would copy the signed content once more.
    writeOutput(parsed.values.get('-o')?.at(-1), pieces, io);
    return EXIT_OK;
  },
};
