/**
 * Real key stores for the native tests: a SoftHSM2 token and an NSS database, created in a
 * scratch directory from the Thunderbird corpus keys (PKCS#12, password `nss`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './host-process';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const CORPUS = path.resolve(ROOT, '../shared/corpora/thunderbird-smime/mailnews/test/data/smime');
export const USER_PIN = '123456';
export const SO_PIN = '12345678';

function run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv, input?: string): Buffer {
  return execFileSync(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) });
}

export interface KeyMaterial {
  readonly name: string;
  /** DER of the end-entity certificate. */
  readonly certificate: Buffer;
  /** PEM of the private key, for computing expected results. */
  readonly keyPem: string;
}

/** Extracts the key and certificate of a corpus PKCS#12 file (by default CORPUS/<name>.p12). */
export function corpusKey(name: string, dir: string, p12 = path.join(CORPUS, `${name}.p12`)): KeyMaterial {
  const keyPem = run('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:nss', '-nocerts', '-nodes']).toString();
  const certPem = run('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:nss', '-clcerts', '-nokeys']).toString();
  const certificate = run('openssl', ['x509', '-outform', 'DER'], undefined, certPem);
  const keyDer = run('openssl', ['pkey', '-outform', 'DER'], undefined, keyPem);
  writeFileSync(path.join(dir, `${name}.key.der`), keyDer);
  writeFileSync(path.join(dir, `${name}.crt.der`), certificate);
  return { name, certificate, keyPem: run('openssl', ['pkey'], undefined, keyPem).toString() };
}

export interface SoftHsm {
  readonly env: { SOFTHSM2_CONF: string };
  readonly tokenDir: string;
  readonly label: string;
}

/** A SoftHSM2 configuration of its own, so tests never touch the system's tokens. */
export function softHsmConfig(dir: string): SoftHsm['env'] & { tokenDir: string } {
  const tokenDir = path.join(dir, 'tokens');
  mkdirSync(tokenDir, { recursive: true });
  const conf = path.join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  return { SOFTHSM2_CONF: conf, tokenDir };
}

/** Initialises a token and writes each key with its certificate under a shared CKA_ID. */
export function createToken(dir: string, label: string, keys: readonly KeyMaterial[], usages: Record<string, string[]> = {}): SoftHsm {
  const { tokenDir, ...env } = softHsmConfig(dir);
  run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', USER_PIN], env);
  keys.forEach((key, n) => {
    const id = (n + 1).toString(16).padStart(2, '0');
    const common = ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', USER_PIN, '--id', id, '--label', key.name];
    run('pkcs11-tool', [...common, '--write-object', path.join(dir, `${key.name}.key.der`), '--type', 'privkey', ...(usages[key.name] ?? [])], env);
    run('pkcs11-tool', [...common, '--write-object', path.join(dir, `${key.name}.crt.der`), '--type', 'cert'], env);
  });
  return { env, tokenDir, label };
}

export function deleteToken(token: SoftHsm): void {
  run('softhsm2-util', ['--delete-token', '--token', token.label], token.env);
}

/** An NSS database (as Chrome's ~/.pki/nssdb) holding the given corpus PKCS#12 files. */
export function createNssDatabase(dir: string, names: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  for (const name of names) run('pk12util', ['-i', path.join(CORPUS, `${name}.p12`), '-d', `sql:${dir}`, '-W', 'nss']);
  return dir;
}

export function writeHostConfig(dir: string, config: Record<string, unknown>): string {
  const file = path.join(dir, 'host.json');
  writeFileSync(file, JSON.stringify({ defaultModules: false, defaultNssDatabases: false, ...config }));
  return file;
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
