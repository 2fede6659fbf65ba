/**
 * The demo identities shared by the webmail end-to-end tests and the `npm start` demo: a
 * demo CA, and for alice@example.test and bob@example.test (the mail system's accounts)
 * a certificate, a PKCS#12 file and a SoftHSM2 token of their own, each with a native host
 * configuration that sees that token alone.
 *
 * Everything is made with openssl, softhsm2-util and pkcs11-tool in one state directory
 * and kept there: `ensureDemoPki` reuses a complete state and only rebuilds it when a part
 * is missing, the layout changed or a certificate is about to expire.
 *
 * Keys are RSA 2048: SoftHSM does RSA key transport (PKCS#1 v1.5) well but has neither
 * OAEP with SHA-256 nor CKM_ECDSA_SHA256, so an EC or OAEP identity would fail on the token.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_DEMO_STATE_DIR = '/var/tmp/cachet-demo';
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
/** Password of every demo PKCS#12 file. */
export const DEMO_P12_PASSWORD = 'cachet-demo';
/** User PIN of every demo token. */
export const DEMO_USER_PIN = '2468';
export const DEMO_SO_PIN = '13572468';
export const DEMO_CA_NAME = 'Cachet Demo CA';
/** One login serves a whole demo or test session (the host's default is 5 minutes). */
const PIN_CACHE_SECONDS = 8 * 3600;

/**
 * The CA of the loopback mail system's TLS certificates (mail-system.sh), which the host
 * must trust for IMAP and SMTP; the mail system keeps its state in $CACHET_MAIL_STATE.
 */
export const MAIL_SYSTEM_CA_FILE = path.join(process.env.CACHET_MAIL_STATE ?? '/var/tmp/cachet-mail', 'tls', 'ca.crt');

/** Bumped whenever what is made changes, so that an older state is rebuilt. */
const LAYOUT = 1;
const STATE_FILE = 'demo-pki.json';
/** A state whose certificates end sooner than this is rebuilt rather than reused. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const DAY_MS = 86_400_000;

const demoPeople = {
  alice: { address: 'alice@example.test', name: 'Alice Demo', tokenLabel: 'Alice card' },
  bob: { address: 'bob@example.test', name: 'Bob Demo', tokenLabel: 'Bob card' },
} as const;

export type DemoUserName = keyof typeof demoPeople;
export const DEMO_USER_NAMES = Object.keys(demoPeople) as readonly DemoUserName[];

export interface CertificateFiles {
  readonly pemFile: string;
  readonly derFile: string;
  /** The DER bytes, read when the state was checked. */
  readonly der: Buffer;
}

export interface DemoUser {
  readonly id: DemoUserName;
  readonly address: string;
  readonly name: string;
  readonly certificate: CertificateFiles;
  /** PKCS#12 with key, certificate and the demo CA; password DEMO_P12_PASSWORD. */
  readonly p12File: string;
  readonly tokenLabel: string;
  readonly pin: string;
  readonly soPin: string;
  /** The native host's configuration (host-config.ts format). */
  readonly hostConfigFile: string;
  /** HOME of the user's native host; its caches live below it. */
  readonly home: string;
  /** The user's own Cachet key store (imported PKCS#12 identities, mail accounts). */
  readonly keyStoreDir: string;
  /** The environment the native host process needs for this user. */
  readonly hostEnv: Readonly<Record<string, string>>;
}

export interface DemoPki {
  readonly stateDir: string;
  readonly ca: CertificateFiles & { readonly name: string };
  readonly users: Readonly<Record<DemoUserName, DemoUser>>;
}

export interface DemoPkiOptions {
  /** Where everything is kept; default DEFAULT_DEMO_STATE_DIR. */
  readonly stateDir?: string;
  /**
   * PEM files the hosts trust for mail TLS (`mailTrustedCertificates`). Default: the mail
   * system's CA when it exists (the host refuses to start a mail connection with a missing file).
   */
  readonly mailTrustedCertificates?: readonly string[];
}

function run(command: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Buffer {
  try {
    return execFileSync(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`demo PKI: ${command} ${args[0] ?? ''} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

interface Layout {
  readonly caDir: string;
  readonly caKey: string;
  readonly caPem: string;
  readonly caDer: string;
  readonly opensslConfig: string;
  user(id: DemoUserName): {
    readonly dir: string;
    readonly key: string;
    readonly keyDer: string;
    readonly certPem: string;
    readonly certDer: string;
    readonly p12: string;
    readonly softhsmConf: string;
    readonly tokenDir: string;
    readonly hostConfig: string;
    readonly home: string;
    readonly keyStoreDir: string;
  };
}

function layout(stateDir: string): Layout {
  const caDir = path.join(stateDir, 'ca');
  return {
    caDir,
    caKey: path.join(caDir, 'ca.key'),
    caPem: path.join(caDir, 'ca.crt'),
    caDer: path.join(caDir, 'ca.der'),
    opensslConfig: path.join(caDir, 'openssl.cnf'),
    user(id) {
      const dir = path.join(stateDir, id);
      return {
        dir,
        key: path.join(dir, 'key.pem'),
        keyDer: path.join(dir, 'key.der'),
        certPem: path.join(dir, 'cert.pem'),
        certDer: path.join(dir, 'cert.der'),
        p12: path.join(dir, `${id}.p12`),
        softhsmConf: path.join(dir, 'softhsm2.conf'),
        tokenDir: path.join(dir, 'tokens'),
        hostConfig: path.join(dir, 'host.json'),
        home: path.join(dir, 'home'),
        keyStoreDir: path.join(dir, 'keys'),
      };
    },
  };
}

/** openssl ca takes its dates as GeneralizedTime strings, YYYYMMDDHHMMSSZ. */
function opensslTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

function addYears(date: Date, years: number): Date {
  const end = new Date(date);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end;
}

/**
 * `openssl ca` rather than `openssl x509 -req`: only it sets a notBefore in the past (OpenSSL
 * 3.0 has no -not_before), and certificates valid from yesterday survive a skewed clock.
 */
function writeOpensslConfig(l: Layout): void {
  writeFileSync(l.opensslConfig, [
    '[ ca ]',
    'default_ca = demo_ca',
    '[ demo_ca ]',
    `database = ${path.join(l.caDir, 'index.txt')}`,
    `new_certs_dir = ${path.join(l.caDir, 'issued')}`,
    // Required even though -rand_serial draws every serial at random.
    `serial = ${path.join(l.caDir, 'serial')}`,
    `certificate = ${l.caPem}`,
    `private_key = ${l.caKey}`,
    'default_md = sha256',
    'policy = demo_policy',
    'unique_subject = no',
    'email_in_dn = yes',
    'copy_extensions = none',
    '[ demo_policy ]',
    'organizationName = optional',
    'commonName = supplied',
    'emailAddress = optional',
    '[ ca_cert ]',
    'basicConstraints = critical, CA:true',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
    '[ user_cert ]',
    'basicConstraints = critical, CA:false',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = emailProtection',
    // The subject's emailAddress, repeated where RFC 8550 §3 wants it.
    'subjectAltName = email:copy',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    '',
  ].join('\n'));
}

function newRsaKey(file: string): void {
  run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file]);
}

function issue(l: Layout, request: string, out: string, extensions: string, years: number, selfSign: boolean): void {
  const start = new Date(Date.now() - DAY_MS);
  run('openssl', [
    'ca', '-batch', '-notext', '-rand_serial', '-config', l.opensslConfig, '-extensions', extensions,
    '-startdate', opensslTime(start), '-enddate', opensslTime(addYears(start, years)),
    ...(selfSign ? ['-selfsign', '-keyfile', l.caKey] : []), '-in', request, '-out', out,
  ]);
}

function toDer(pem: string, der: string): void {
  run('openssl', ['x509', '-in', pem, '-outform', 'DER', '-out', der]);
}

function createCa(l: Layout): void {
  mkdirSync(path.join(l.caDir, 'issued'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(l.caDir, 'index.txt'), '');
  writeFileSync(path.join(l.caDir, 'serial'), '01\n');
  writeOpensslConfig(l);
  newRsaKey(l.caKey);
  const request = path.join(l.caDir, 'ca.csr');
  run('openssl', ['req', '-new', '-key', l.caKey, '-subj', `/O=Cachet Demo/CN=${DEMO_CA_NAME}`, '-out', request]);
  issue(l, request, l.caPem, 'ca_cert', 10, true);
  toDer(l.caPem, l.caDer);
}

function createUser(l: Layout, id: DemoUserName): void {
  const person = demoPeople[id];
  const u = l.user(id);
  mkdirSync(u.tokenDir, { recursive: true, mode: 0o700 });
  mkdirSync(u.home, { recursive: true, mode: 0o700 });
  newRsaKey(u.key);
  run('openssl', ['pkey', '-in', u.key, '-outform', 'DER', '-out', u.keyDer]);
  const request = path.join(u.dir, 'cert.csr');
  run('openssl', ['req', '-new', '-key', u.key, '-subj', `/CN=${person.name}/emailAddress=${person.address}`, '-out', request]);
  issue(l, request, u.certPem, 'user_cert', 2, false);
  toDer(u.certPem, u.certDer);
  run('openssl', [
    'pkcs12', '-export', '-inkey', u.key, '-in', u.certPem, '-certfile', l.caPem, '-name', person.name,
    '-passout', 'env:CACHET_DEMO_P12_PASSWORD', '-out', u.p12,
  ], { CACHET_DEMO_P12_PASSWORD: DEMO_P12_PASSWORD });

  // A token of the user's own, as a smart card would be; key and certificate share CKA_ID 01.
  writeFileSync(u.softhsmConf, `directories.tokendir = ${u.tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { SOFTHSM2_CONF: u.softhsmConf };
  run('softhsm2-util', ['--init-token', '--free', '--label', person.tokenLabel, '--so-pin', DEMO_SO_PIN, '--pin', DEMO_USER_PIN], env);
  const object = ['--module', SOFTHSM_MODULE, '--token-label', person.tokenLabel, '--login', '--pin', DEMO_USER_PIN, '--id', '01', '--label', person.name];
  run('pkcs11-tool', [...object, '--write-object', u.keyDer, '--type', 'privkey'], env);
  run('pkcs11-tool', [...object, '--write-object', u.certDer, '--type', 'cert'], env);
  // The key lives on the token and in the PKCS#12 file; the bare copies are not needed.
  rmSync(u.keyDer);
  rmSync(request);
}

function hasToken(tokenDir: string): boolean {
  try {
    return readdirSync(tokenDir).some((entry) => existsSync(path.join(tokenDir, entry, 'token.object')));
  } catch {
    return false;
  }
}

function endsSoon(derFile: string): boolean {
  const certificate = new X509Certificate(readFileSync(derFile));
  return new Date(certificate.validTo).getTime() - Date.now() < RENEW_BEFORE_MS;
}

/** True when the state holds everything this layout makes, with time left on every certificate. */
function isComplete(stateDir: string, l: Layout): boolean {
  try {
    const state = JSON.parse(readFileSync(path.join(stateDir, STATE_FILE), 'utf8')) as { layout?: unknown };
    if (state.layout !== LAYOUT) return false;
    const files = [l.caKey, l.caPem, l.caDer, ...DEMO_USER_NAMES.flatMap((id) => {
      const u = l.user(id);
      return [u.key, u.certPem, u.certDer, u.p12, u.softhsmConf];
    })];
    if (!files.every((file) => existsSync(file))) return false;
    if (!DEMO_USER_NAMES.every((id) => hasToken(l.user(id).tokenDir))) return false;
    return ![l.caDer, ...DEMO_USER_NAMES.map((id) => l.user(id).certDer)].some(endsSoon);
  } catch {
    return false;
  }
}

/** Writes the file only when its content changed, so a running host sees no needless change. */
function writeIfChanged(file: string, text: string): void {
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // Missing: written below.
  }
  writeFileSync(file, text);
}

function writeHostConfig(u: ReturnType<Layout['user']>, mailTrustedCertificates: readonly string[]): void {
  writeIfChanged(u.hostConfig, `${JSON.stringify({
    modules: [SOFTHSM_MODULE],
    defaultModules: false,
    defaultNssDatabases: false,
    pinCacheSeconds: PIN_CACHE_SECONDS,
    keyStoreDir: u.keyStoreDir,
    mailTrustedCertificates,
  }, null, 2)}\n`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Test files and the demo may ask at once; one of them builds while the others wait. */
function withStateLock<T>(stateDir: string, work: () => T): T {
  const lock = path.join(stateDir, 'creating.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // Just taken, pid not written yet.
      }
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) rmSync(lock, { recursive: true, force: true });
      else sleep(100);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function certificateFiles(pemFile: string, derFile: string): CertificateFiles {
  return { pemFile, derFile, der: readFileSync(derFile) };
}

/**
 * Makes the demo CA, users, PKCS#12 files, tokens and host configurations unless the state
 * directory already holds them, and describes them. Only the paths it made itself are
 * removed when rebuilding; the state directory may be shared with other files.
 */
export function ensureDemoPki(options: DemoPkiOptions = {}): DemoPki {
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_DEMO_STATE_DIR);
  const mailTrust = options.mailTrustedCertificates ?? (existsSync(MAIL_SYSTEM_CA_FILE) ? [MAIL_SYSTEM_CA_FILE] : []);
  const missing = mailTrust.filter((file) => !path.isAbsolute(file) || !existsSync(file));
  if (missing.length > 0) throw new Error(`demo PKI: mail TLS certificate files must be existing absolute paths: ${missing.join(', ')}`);
  mkdirSync(stateDir, { recursive: true });
  const l = layout(stateDir);
  withStateLock(stateDir, () => {
    if (!isComplete(stateDir, l)) {
      rmSync(path.join(stateDir, STATE_FILE), { force: true });
      for (const dir of [l.caDir, ...DEMO_USER_NAMES.map((id) => l.user(id).dir)]) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true, mode: 0o700 });
      }
      createCa(l);
      for (const id of DEMO_USER_NAMES) createUser(l, id);
      writeFileSync(path.join(stateDir, STATE_FILE), `${JSON.stringify({ layout: LAYOUT, created: new Date().toISOString() })}\n`);
    }
    for (const id of DEMO_USER_NAMES) writeHostConfig(l.user(id), mailTrust);
  });

  const users = Object.fromEntries(DEMO_USER_NAMES.map((id): [DemoUserName, DemoUser] => {
    const u = l.user(id);
    const person = demoPeople[id];
    return [id, {
      id,
      address: person.address,
      name: person.name,
      certificate: certificateFiles(u.certPem, u.certDer),
      p12File: u.p12,
      tokenLabel: person.tokenLabel,
      pin: DEMO_USER_PIN,
      soPin: DEMO_SO_PIN,
      hostConfigFile: u.hostConfig,
      home: u.home,
      keyStoreDir: u.keyStoreDir,
      hostEnv: { SOFTHSM2_CONF: u.softhsmConf, CACHET_HOST_CONFIG: u.hostConfig, HOME: u.home },
    }];
  })) as Record<DemoUserName, DemoUser>;
  return { stateDir, ca: { name: DEMO_CA_NAME, ...certificateFiles(l.caPem, l.caDer) }, users };
}
