/**
 * A throw-away PKI made by OpenSSL in a temporary directory: root → intermediate → one
 * leaf per key type, leaves certified for S/MIME signing with an e-mail in the SAN.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoftwareKeyOperator } from '../../../native-host/keys/software-key-operator';

export type LeafKind = 'rsa' | 'ec-p256' | 'ec-p384' | 'ec-p521';

export interface Identity {
  readonly kind: LeafKind;
  readonly email: string;
  readonly keyPath: string;
  readonly certPath: string;
  readonly key: KeyObject;
  readonly certificate: Uint8Array;
  readonly operator: SoftwareKeyOperator;
}

export interface TestPki {
  readonly dir: string;
  readonly rootPath: string;
  readonly intermediatePath: string;
  readonly root: Uint8Array;
  readonly intermediate: Uint8Array;
  readonly leaves: Readonly<Record<LeafKind, Identity>>;
  remove(): void;
}

export function openssl(args: readonly string[], input?: Uint8Array): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

const KEY_ARGS: Readonly<Record<LeafKind, readonly string[]>> = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ec-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'ec-p521': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
};

function derOf(pemPath: string): Uint8Array {
  return new Uint8Array(new X509Certificate(readFileSync(pemPath)).raw);
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'cachet-cms-'));
  const p = (name: string): string => join(dir, name);
  writeFileSync(p('ca.ext'), [
    '[ca]', 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid',
    '[leaf]', 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment',
    'extendedKeyUsage=emailProtection', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid',
    'subjectAltName=email:copy', '',
  ].join('\n'));
  openssl(['req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('root.key'), '-out', p('root.pem'),
    '-subj', '/O=Cachet Test/CN=Cachet Test Root', '-days', '3650', '-sha256',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('int.key'), '-out', p('int.csr'),
    '-subj', '/O=Cachet Test/CN=Cachet Test Intermediate']);
  openssl(['x509', '-req', '-in', p('int.csr'), '-CA', p('root.pem'), '-CAkey', p('root.key'), '-set_serial', '2',
    '-days', '3650', '-sha256', '-extfile', p('ca.ext'), '-extensions', 'ca', '-out', p('int.pem')]);
  const leaves = {} as Record<LeafKind, Identity>;
  let serial = 100;
  for (const kind of Object.keys(KEY_ARGS) as LeafKind[]) {
    const email = `${kind}@example.org`;
    openssl(['genpkey', ...KEY_ARGS[kind], '-out', p(`${kind}.key`)]);
    openssl(['req', '-new', '-key', p(`${kind}.key`), '-out', p(`${kind}.csr`),
      '-subj', `/O=Cachet Test/CN=${kind} signer/emailAddress=${email}`]);
    openssl(['x509', '-req', '-in', p(`${kind}.csr`), '-CA', p('int.pem'), '-CAkey', p('int.key'), '-set_serial', String(serial++),
      '-days', '3650', '-sha256', '-extfile', p('ca.ext'), '-extensions', 'leaf', '-out', p(`${kind}.pem`)]);
    const key = createPrivateKey(readFileSync(p(`${kind}.key`)));
    const certificate = derOf(p(`${kind}.pem`));
    leaves[kind] = {
      kind, email, key, certificate,
      keyPath: p(`${kind}.key`), certPath: p(`${kind}.pem`),
      operator: new SoftwareKeyOperator(key, certificate),
    };
  }
  return {
    dir,
    rootPath: p('root.pem'),
    intermediatePath: p('int.pem'),
    root: derOf(p('root.pem')),
    intermediate: derOf(p('int.pem')),
    leaves,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
