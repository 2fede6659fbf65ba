/** Shared setup for the envelope tests: Node's WebCrypto, openssl, keys and certificates. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import type { CmsCrypto } from '../../src/cms/cms-crypto';
import type { KeyOperator } from '../../src/cms/key-operator';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import { readPemCertificates } from '../../native-host/keys/pem';
import { parseMessage } from '../../src/mime/parse';
import { decodedBody } from '../../src/mime/part-access';

export const crypto: CmsCrypto = {
  subtle: webcrypto.subtle as SubtleCrypto,
  getRandomValues: (array) => webcrypto.getRandomValues(array),
};

export const CORPORA = '../shared/corpora';
export const SMIME_CERTS = `${CORPORA}/openssl/smime-certs`;
export const THUNDERBIRD = `${CORPORA}/thunderbird-smime`;

export function run(command: string, args: readonly string[], input?: Uint8Array, env?: NodeJS.ProcessEnv): Buffer {
  try {
    return execFileSync(command, args, { input, stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env, timeout: 60_000 });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr}`, { cause: error });
  }
}

export const openssl = (args: readonly string[], input?: Uint8Array): Buffer => run('openssl', args, input);

export interface Identity {
  readonly name: string;
  /** PEM file holding the key and the certificate. */
  readonly pemPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly certificate: Uint8Array;
  readonly operator: KeyOperator;
}

export function identityFromPem(name: string, pemPath: string): Identity {
  const pem = readFileSync(pemPath);
  const [operator] = loadSoftwareKeyOperators({ keyPem: pem });
  if (!operator) throw new Error(`no key in ${pemPath}`);
  return { name, pemPath, certPath: pemPath, keyPath: pemPath, certificate: readPemCertificates(pem)[0]!, operator };
}

/** A self-signed certificate with a fresh key made by openssl (EC curve or RSA). */
export function makeIdentity(dir: string, name: string, keyArgs: readonly string[]): Identity {
  const keyPath = join(dir, `${name}-key.pem`);
  const certPath = join(dir, `${name}-cert.pem`);
  openssl(['genpkey', ...keyArgs, '-out', keyPath]);
  openssl(['req', '-new', '-x509', '-key', keyPath, '-subj', `/CN=${name}/emailAddress=${name}@example.com`, '-days', '3', '-out', certPath]);
  const pemPath = join(dir, `${name}.pem`);
  writeFileSync(pemPath, Buffer.concat([readFileSync(keyPath), readFileSync(certPath)]));
  return identityFromPem(name, pemPath);
}

/** The DER inside an application/pkcs7-mime message or a bare base64/DER file. */
export function cmsFromMessage(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === 0x30) return bytes;
  return decodedBody(parseMessage(bytes));
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
