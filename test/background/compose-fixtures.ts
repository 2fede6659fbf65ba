/**
 * The composer's world for unit tests: the real policy store on memory storage, the real
 * address book on fake-indexeddb, real RFC 5280 validation (no network), and the real
 * identity list in front of a scripted native host whose keys are software keys, so the
 * signatures and the wire format are both real.
 */
import { createKeyUses } from '../../background/key-uses';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { createAddressBook, type AddressBook } from '../../background/address-book/address-book';
import { openCertificateDb } from '../../background/address-book/certificate-db';
import { createComposer } from '../../background/compose/create-composer';
import type { Composer } from '../../background/compose/composer';
import type { HostDirectory } from '../../background/directory/host-directory';
import { createIdentities } from '../../background/identities';
import { createCertificateValidation, type CertificateValidation } from '../../background/pki/certificate-validation';
import { createPolicyStore, userOptionsKey } from '../../background/policy-store';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import type { KeyOperator } from '../../src/cms/key-operator';
import { MemoryCrlCache } from '../../src/pki/crl-cache';
import { RetrievalError } from '../../src/pki/fetcher';
import type { IdentityDescription, KeyUsageName } from '../../src/protocol/native';
import type { NativeRequest } from '../../src/protocol/native-key-operator';
import type { ComposeRequest } from '../../src/protocol/runtime';
import { base64ToBytes, bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { memoryStorage } from './memory-storage';

export interface HostIdentity {
  readonly id: string;
  readonly operator: KeyOperator;
  readonly hardware?: boolean;
  readonly usages?: readonly KeyUsageName[];
}

const token = {
  label: 'Test token', serial: '1', manufacturer: 'Cachet', model: 'test', loginRequired: false, loggedIn: true,
  protectedAuthPath: false, pin: { countLow: false, finalTry: false, locked: false },
};

function describeIdentity(identity: HostIdentity): IdentityDescription {
  return {
    id: identity.id,
    certificate: bytesToBase64(identity.operator.certificate),
    store: { kind: identity.hardware ? 'pkcs11' : 'pkcs12', label: identity.hardware ? 'SoftHSM' : 'file', module: '' },
    token,
    hardware: identity.hardware ?? false,
    keyType: new X509Certificate(identity.operator.certificate).publicKey.asymmetricKeyType === 'ec' ? 'EC' : 'RSA',
    usages: identity.usages ?? ['sign', 'decrypt'],
  };
}

/** A native host that answers from software keys and counts the signatures it makes. */
export function softwareHost(identities: readonly HostIdentity[]): { request: NativeRequest; signatures: () => number } {
  let signatures = 0;
  const find = (id: string): KeyOperator => {
    const found = identities.find((i) => i.id === id);
    if (!found) throw new Error(`no identity ${id}`);
    return found.operator;
  };
  const answer = async (type: string, req: Record<string, unknown>): Promise<unknown> => {
    switch (type) {
      case 'identities/list':
        return { identities: identities.map(describeIdentity) };
      case 'key/sign': {
        signatures++;
        const { identity, digest, scheme } = req as { identity: string; digest: string; scheme: Parameters<KeyOperator['sign']>[1] };
        return { signature: bytesToBase64(await find(identity).sign(base64ToBytes(digest), scheme)) };
      }
      default:
        throw new Error(`the test host does not answer ${type}`);
    }
  };
  return { request: ((type: string, req: Record<string, unknown>) => answer(type, req)) as NativeRequest, signatures: () => signatures };
}

export interface ComposerWorld {
  readonly composer: Composer;
  readonly addressBook: AddressBook;
  readonly signatures: () => number;
}

export interface WorldOptions {
  readonly identities: readonly HostIdentity[];
  readonly trustedRoots: readonly Uint8Array[];
  /** Keys the admin sets (locked). */
  readonly managed?: Record<string, unknown>;
  /** The user's own options besides trustedRoots. */
  readonly user?: Record<string, unknown>;
  readonly now?: Date;
  /** Replaces the real validation, to see how a failing one is handled. */
  readonly validation?: CertificateValidation;
  /** The organisation directory, when the test has one. */
  readonly directory?: HostDirectory;
}

export async function composerWorld(options: WorldOptions): Promise<ComposerWorld> {
  const policy = createPolicyStore(
    memoryStorage(options.managed ?? {}),
    memoryStorage({ [userOptionsKey]: { trustedRoots: options.trustedRoots.map(bytesToBase64), ...options.user } }),
  );
  const now = () => options.now ?? new Date();
  const addressBook = createAddressBook(await openCertificateDb(new IDBFactory()), crypto.subtle, now);
  const host = softwareHost(options.identities);
  const validation = options.validation ?? createCertificateValidation({
    policy,
    crypto,
    // Nothing here names a CRL or OCSP URL; a fetch would be a bug, and fails loudly.
    fetcher: { fetch: (url) => Promise.reject(new RetrievalError(`unexpected fetch of ${url}`)) },
    cache: new MemoryCrlCache(),
    now,
  });
  const composer = createComposer({
    policy, addressBook, identities: createIdentities(host.request, crypto.subtle), validation, crypto, keyUses: createKeyUses(), now,
    ...(options.directory ? { directory: options.directory } : {}),
  });
  return { composer, addressBook, signatures: host.signatures };
}

export function composeRequest(overrides: Partial<ComposeRequest>): ComposeRequest {
  return {
    from: 'rsa@example.org', to: [], cc: [], bcc: [], subject: 'Test', text: 'Hello.\n', attachments: [],
    sign: false, encrypt: false, encryptDespiteMissing: false, ...overrides,
  };
}

let nextSerial = 5000;

export interface IssuedLeaf {
  readonly email: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** DER. */
  readonly certificate: Uint8Array;
  readonly operator: KeyOperator;
}

const keyArguments = { rsa: ['-newkey', 'rsa:2048'], ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] } as const;

/** A leaf from the test PKI's intermediate (int.pem, int.key in `dir`) with extensions of the caller's choice. */
export function issueLeaf(dir: string, name: string, key: 'rsa' | 'ec', extensions: readonly string[]): IssuedLeaf {
  const p = (file: string): string => join(dir, file);
  const email = `${name}@example.org`;
  writeFileSync(p(`${name}.ext`), ['basicConstraints=CA:FALSE', `subjectAltName=email:${email}`, ...extensions, ''].join('\n'));
  const run = (args: readonly string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  run(['req', '-new', ...keyArguments[key], '-nodes', '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${name}`]);
  run(['x509', '-req', '-in', p(`${name}.csr`), '-CA', p('int.pem'), '-CAkey', p('int.key'), '-set_serial', String(nextSerial++),
    '-days', '30', '-sha256', '-extfile', p(`${name}.ext`), '-out', p(`${name}.pem`)]);
  const [operator] = loadSoftwareKeyOperators({ certPem: readFileSync(p(`${name}.pem`)), keyPem: readFileSync(p(`${name}.key`)) });
  if (!operator) throw new Error(`no key for ${name}`);
  return { email, certPath: p(`${name}.pem`), keyPath: p(`${name}.key`), certificate: operator.certificate, operator };
}
