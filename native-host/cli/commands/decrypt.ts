/**
 * `cachet decrypt`: decrypts an S/MIME encrypted message (EnvelopedData or
 * AuthEnvelopedData) with a software key (B15) and writes the decrypted message: the
 * outer header fields, then the decrypted entity.
 */
import { readFile } from 'node:fs/promises';
import { EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs, readInput } from './cli-input';
import { writeOutput } from './cli-output';
import { openStoreKeys, STORE_KEY_OPTIONS, STORE_KEY_USAGE } from './store-keys';
import { nodeCmsCrypto } from './node-cms-crypto';
import { wrapBareContentInfo } from '../../../src/cms/bare-content-info';
import { decryptMessagePieces } from '../../../src/cms/smime-envelope';
import { loadSoftwareKeyOperators, type SoftwareKeySources } from '../../keys/load-software-key-operators';

const usage = `usage: cachet decrypt (--cert C.pem --key K.pem | --p12 F --pass P | --token LABEL [--module PATH]... [--pin-file F] | --nssdb DIR)
                      [-o OUT] FILE
  Decrypts FILE (an S/MIME encrypted message; '-' reads standard input) and writes the
  message with its encrypted part replaced by the decrypted content. FILE may also be a
  bare smime.p7m (DER, base64 or PEM): the decrypted entity is written with MIME-Version. --key may also hold
  the certificate (as OpenSSL's test files do); --pass also decrypts an encrypted PEM key.
  With --token or --nssdb the content key is unwrapped on the token or in the database.
${STORE_KEY_USAGE}
  Exit status: 0 decrypted, 2 not encrypted to this key, tampered, or unusable input.`;

export const decrypt: Command = {
  name: 'decrypt',
  summary: 'decrypt an S/MIME encrypted message with a key and certificate or PKCS#12 file',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgs(args, ['--cert', '--key', '--p12', '--pass', '-o', ...STORE_KEY_OPTIONS], [], (message) => new UsageError(message));
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
    const one = (name: string): string | undefined => parsed.values.get(name)?.at(-1);
    const certPath = one('--cert');
    const keyPath = one('--key');
    const p12Path = one('--p12');
    const password = one('--pass');
    const fromStores = parsed.values.has('--token') || parsed.values.has('--nssdb');
    if (!p12Path && !keyPath && !fromStores) throw new UsageError('give --cert and --key, --p12 and --pass, --token or --nssdb');

    let input: Uint8Array;
    let sources: SoftwareKeySources;
    try {
      input = await readInput(file, io);
      sources = {
        ...(certPath ? { certPem: new Uint8Array(await readFile(certPath)) } : {}),
        ...(keyPath ? { keyPem: new Uint8Array(await readFile(keyPath)) } : {}),
        ...(p12Path ? { p12: new Uint8Array(await readFile(p12Path)) } : {}),
        ...(password !== undefined ? { password } : {}),
      };
    } catch (error) {
      io.stderr.write(`cachet decrypt: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_UNUSABLE;
    }
    // A bare smime.p7m is read as the encrypted entity it was cut from.
    const message = wrapBareContentInfo(input).message;
    const stored = await openStoreKeys(parsed.values, (line) => io.stderr.write(`cachet decrypt: ${line}\n`));
    let pieces: Uint8Array[];
    try {
      const operators = stored ? stored.operators : loadSoftwareKeyOperators(sources);
      ({ pieces } = await decryptMessagePieces(nodeCmsCrypto, message, operators, { consumeSource: true }));
    } finally {
      stored?.close();
    }
    // Written piece by piece: joining them would copy the whole decrypted message once more.
    writeOutput(one('-o'), pieces, io);
    return EXIT_OK;
  },
};
