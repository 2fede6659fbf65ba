/**
 * `cachet protect`: a message signed, encrypted, or both (B16) in one process and one
 * pass, as secure compose makes it (src/cms/smime-protect.ts): with both, the triple wrap
 * by default (sign, encrypt, sign again, the policy's `tripleWrap` default), and the
 * message encrypted to the signer's own certificate as well (B14), so the sender can
 * read their copy.
 */
import { EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs } from './cli-input';
import { writeOutput } from './cli-output';
import { nodeCmsCrypto } from './node-cms-crypto';
import { contentCipher, keyTransport, readMessageAndRecipients } from './recipient-certificates';
import { fromOf, loadSigner, SIGNING_KEY_OPTIONS, signingHash, type SigningKey } from './signing-key';
import { STORE_KEY_OPTIONS, STORE_KEY_USAGE } from './store-keys';
import { protectMessagePieces, type ProtectOptions } from '../../../src/cms/smime-protect';
import { defaultPolicy } from '../../../src/policy';

const usage = `usage: cachet protect [--sign] [--encrypt --to C.pem [--to C.pem]...] [--triple-wrap | --no-triple-wrap]
                      [signing key: --cert C.pem --key K.pem | --p12 F --pass P | --token LABEL ... | --nssdb DIR]
                      [--chain CA.pem]... [--digest sha256|sha384|sha512] [--opaque] [--pss]
                      [--cipher aes-256-cbc|aes-128-cbc|aes-256-gcm|aes-128-gcm] [--oaep] [-o OUT] FILE
  Protects FILE (an RFC 5322 message; '-' reads standard input) in one step, as Cachet's
  secure compose does: --sign signs it (as cachet sign), --encrypt encrypts it to each --to
  certificate (as cachet encrypt), and both together sign, encrypt and sign again (the
  triple wrap, B16) unless --no-triple-wrap asks for sign-then-encrypt. When signing and
  encrypting, the message is also encrypted to the signer's own certificate, so that the
  sender can read it later. From, To, Subject and the other header fields stay outside.
  Defaults as the policy's: clear signature, SHA-256, triple wrap; AES-256-CBC, since the
  recipients' capabilities are unknown here (AES-GCM with --cipher aes-256-gcm).
${STORE_KEY_USAGE}
  Exit status: 0 protected, 2 unusable input, key or certificate.`;

export const protect: Command = {
  name: 'protect',
  summary: 'sign, encrypt, or sign-encrypt-sign a message in one step',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgs(
      args,
      [...SIGNING_KEY_OPTIONS, ...STORE_KEY_OPTIONS, '--digest', '--to', '--cipher', '-o'],
      ['--sign', '--encrypt', '--triple-wrap', '--no-triple-wrap', '--opaque', '--pss', '--oaep'],
      (message) => new UsageError(message),
    );
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
    const signing = parsed.flags.has('--sign');
    const encrypting = parsed.flags.has('--encrypt');
    if (!signing && !encrypting) throw new UsageError('give --sign, --encrypt, or both');
    const toPaths = parsed.values.get('--to') ?? [];
    if (encrypting && toPaths.length === 0) throw new UsageError('--encrypt needs at least one --to certificate');
    if (!encrypting && toPaths.length > 0) throw new UsageError('--to is for --encrypt');
    if (parsed.flags.has('--triple-wrap') && parsed.flags.has('--no-triple-wrap')) throw new UsageError('--triple-wrap and --no-triple-wrap exclude each other');
    const tripleWrap = parsed.flags.has('--no-triple-wrap') ? false : parsed.flags.has('--triple-wrap') || defaultPolicy.tripleWrap;
    const hash = signingHash(parsed.values.get('--digest')?.at(-1));
    const cipher = contentCipher(parsed.values.get('--cipher')?.at(-1));

    const read = await readMessageAndRecipients(file, toPaths, io, 'protect');
    if (!read) return EXIT_UNUSABLE;
    const { input, recipients } = read;

    // The From address only chooses among the identities of a token or database.
    const key: SigningKey | undefined = signing ? await loadSigner(parsed.values, io, 'protect', () => fromOf(input)) : undefined;
    let pieces: Uint8Array[];
    try {
      const options: ProtectOptions = {
        ...(key ? { sign: { signer: key.signer, hash, chain: key.chain, opaque: parsed.flags.has('--opaque'), rsaPss: parsed.flags.has('--pss') } } : {}),
        ...(encrypting ? {
          encrypt: {
            recipients,
            ...(key ? { sender: key.signer.certificate } : {}),
            cipher,
            keyTransport: keyTransport(parsed.flags.has('--oaep')),
          },
        } : {}),
        tripleWrap,
      };
      pieces = await protectMessagePieces(nodeCmsCrypto, input, options);
    } finally {
      key?.close();
    }
    writeOutput(parsed.values.get('-o')?.at(-1), pieces, io);
    return EXIT_OK;
  },
};
