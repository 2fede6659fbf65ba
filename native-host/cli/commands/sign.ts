/**
 * `cachet sign`: signs an RFC 5322 message (B12). The message's own header fields
 * (From, To, Subject, Date, …) stay on the outer message; its Content-* fields and body
 * become the signed entity, written in S/MIME canonical form (RFC 8551 §3.1).
 */
import { readFile } from 'node:fs/promises';
import { EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs, readInput } from './cli-input';
import { writeOutput } from './cli-output';
import { openStoreKeys, STORE_KEY_OPTIONS, STORE_KEY_USAGE } from './store-keys';
import { nodeCmsCrypto } from './node-cms-crypto';
import { protectMessagePieces } from '../../../src/cms/smime-protect';
import type { SigningHash } from '../../../src/cms/signed-data-sign';
import type { KeyOperator } from '../../../src/cms/key-operator';
import { emailAddresses, parseCertificate } from '../../../src/cms/certificate-fields';
import { CachetError } from '../../../src/errors';
import { parseMessage } from '../../../src/mime';
import { addressesEqual } from '../../../src/pki/email-address';
import { authorAddress, messageAuthor } from '../../../src/smime/message-author';
import { loadPkcs12 } from '../../keys/load-pkcs12';
import { loadSoftwareKeyOperators } from '../../keys/load-software-key-operators';
import { readPemCertificates } from '../../keys/pem';

const DIGESTS: Readonly<Record<string, SigningHash>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

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

/** The From address of the message, to pick the matching identity on a token (B1). */
function fromOf(input: Uint8Array): string | undefined {
  try {
    return authorAddress(messageAuthor(parseMessage(input)));
  } catch {
    return undefined;
  }
}

async function loadSigner(
  values: Map<string, string[]>,
  io: CliIo,
  from: () => string | undefined,
): Promise<{ signer: KeyOperator; chain: Uint8Array[]; close: () => void }> {
  const stored = await openStoreKeys(values, (line) => io.stderr.write(`cachet sign: ${line}\n`));
  if (stored) {
    const signing = stored.operators.filter((op) => op.identity.usages.includes('sign'));
    const address = from();
    const matches = (op: KeyOperator): boolean => {
      const cert = parseCertificate(op.certificate);
      return address !== undefined && cert !== undefined && emailAddresses(cert.model).some((a) => addressesEqual(a, address));
    };
    const signer = signing.find(matches) ?? signing[0];
    if (!signer) {
      stored.close();
      throw new CachetError('key/unavailable', 'no identity there can sign');
    }
    const chain: Uint8Array[] = [];
    for (const path of values.get('--chain') ?? []) chain.push(...readPemCertificates(await readFile(path)));
    return { signer, chain, close: () => stored.close() };
  }
  const one = (name: string): string | undefined => values.get(name)?.at(-1);
  const certPath = one('--cert');
  const keyPath = one('--key');
  const p12Path = one('--p12');
  const password = one('--pass');
  if (!p12Path && !keyPath) throw new UsageError('give --cert and --key, --p12, --token or --nssdb');
  // Every file read once (the certificate file serves twice), all of them at the same time.
  const files = new Map<string, Promise<Uint8Array>>();
  const read = (path: string): Promise<Uint8Array> => {
    const file = files.get(path) ?? readFile(path).then((bytes) => new Uint8Array(bytes));
    files.set(path, file);
    return file;
  };
  // Certificates that came with the key (bundle or PKCS#12) are candidates for the chain.
  const chainPaths = [...(values.get('--chain') ?? []), ...(certPath ? [certPath] : [])];
  const [certPem, keyPem, p12, chainFiles] = await Promise.all([
    certPath ? read(certPath) : undefined,
    keyPath ? read(keyPath) : undefined,
    p12Path ? read(p12Path) : undefined,
    Promise.all(chainPaths.map(read)),
  ]);
  const sources = {
    ...(certPem ? { certPem } : {}),
    ...(keyPem ? { keyPem } : {}),
    ...(p12 ? { p12 } : {}),
    ...(password !== undefined ? { password } : {}),
  };
  const operators = loadSoftwareKeyOperators(sources);
  const signer = operators[0];
  if (!signer) throw new CachetError('key/unavailable', 'no signing key found');
  const chain = chainFiles.flatMap((file) => readPemCertificates(file));
  if (p12Path) {
    const contents = loadPkcs12(sources.p12 as Uint8Array, password ?? '');
    for (const identity of contents.identities) chain.push(...identity.chain);
  }
  const own = Buffer.from(signer.certificate);
  return { signer, chain: chain.filter((der) => !own.equals(der)), close: () => undefined };
}

export const sign: Command = {
  name: 'sign',
  summary: 'sign a message with S/MIME (multipart/signed, or opaque with --opaque)',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgs(
      args,
      ['--cert', '--key', '--p12', '--pass', '--chain', '--digest', '-o', ...STORE_KEY_OPTIONS],
      ['--opaque', '--pss'],
      (message) => new UsageError(message),
    );
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
    const digestName = parsed.values.get('--digest')?.at(-1) ?? 'sha256';
    const hash = DIGESTS[digestName.toLowerCase()];
    if (!hash) throw new UsageError(`unsupported digest ${digestName}`);

    let input: Uint8Array;
    try {
      input = await readInput(file, io);
    } catch (error) {
      io.stderr.write(`cachet sign: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_UNUSABLE;
    }
    // The From address only chooses among the identities of a token or database.
    const { signer, chain, close } = await loadSigner(parsed.values, io, () => fromOf(input));
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
