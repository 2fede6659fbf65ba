/**
 * The signing key of `cachet sign` and `cachet protect`: a PEM key and certificate, a
 * PKCS#12 file, or an identity that never leaves a token or NSS database (store-keys.ts),
 * with the chain to include in the signature.
 */
import { readFile } from 'node:fs/promises';
import type { CliIo } from '../command';
import { UsageError } from '../command';
import { openStoreKeys } from './store-keys';
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

export const SIGNING_KEY_OPTIONS = ['--cert', '--key', '--p12', '--pass', '--chain'] as const;

const DIGESTS: Readonly<Record<string, SigningHash>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/** The --digest option; SHA-256 by default, as the policy's signingAlgorithms default (B12). */
export function signingHash(name: string | undefined): SigningHash {
  const hash = DIGESTS[(name ?? 'sha256').toLowerCase()];
  if (!hash) throw new UsageError(`unsupported digest ${name ?? ''}`);
  return hash;
}

export interface SigningKey {
  readonly signer: KeyOperator;
  readonly chain: Uint8Array[];
  readonly close: () => void;
}

/** The From address of the message, to pick the matching identity on a token (B1). */
export function fromOf(input: Uint8Array): string | undefined {
  try {
    return authorAddress(messageAuthor(parseMessage(input)));
  } catch {
    return undefined;
  }
}

export async function loadSigner(
  values: Map<string, string[]>,
  io: CliIo,
  command: string,
  from: () => string | undefined,
): Promise<SigningKey> {
  const stored = await openStoreKeys(values, (line) => io.stderr.write(`cachet ${command}: ${line}\n`));
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

