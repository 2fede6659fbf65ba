/**
 * The loopback test directory (OpenLDAP's slapd) as the tests see it: its fixed addresses,
 * suffix and manager, and the few operations tests need to fill it. Everything runs
 * through native-host/tooling/directory/slapd.sh, which owns the configuration; the names
 * here must match the ones at the top of that script.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Attribute, Client } from 'ldapts';

const SCRIPT = fileURLToPath(new URL('../../native-host/tooling/directory/slapd.sh', import.meta.url));

export const DIRECTORY_HOST = '127.0.0.1';
export const LDAP_PORT = 3389;
export const LDAPS_PORT = 6636;
/** StartTLS offered, not required. */
export const LDAP_URL = `ldap://${DIRECTORY_HOST}:${LDAP_PORT}`;
export const LDAPS_URL = `ldaps://${DIRECTORY_HOST}:${LDAPS_PORT}`;
export const DIRECTORY_SUFFIX = 'dc=example,dc=test';
/** The manager, who may add and delete anything; anonymous users may read all but ou=restricted. */
export const DIRECTORY_ADMIN = { dn: `cn=admin,${DIRECTORY_SUFFIX}`, password: 'admin-secret' } as const;
/** Everything the script generates: configuration, certificates, database, log. */
export const DIRECTORY_STATE_DIR = process.env['CACHET_LDAP_STATE'] ?? '/var/tmp/cachet-ldap';
/** The test CA (PEM) that issued the server's certificate, for 127.0.0.1, localhost and ldap.example.test. */
export const DIRECTORY_CA_PATH = join(DIRECTORY_STATE_DIR, 'tls', 'ca.crt');

/** A second slapd beside the shared one, for tests that stop their directory. */
export interface DirectoryInstance {
  readonly stateDir: string;
  readonly ldapPort: number;
  readonly ldapsPort: number;
}

function envOf(instance?: DirectoryInstance): NodeJS.ProcessEnv {
  if (!instance) return process.env;
  return { ...process.env, CACHET_LDAP_STATE: instance.stateDir, CACHET_LDAP_PORT: String(instance.ldapPort), CACHET_LDAPS_PORT: String(instance.ldapsPort) };
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${String(error.code)}):\n${stderr}${stdout}`));
    });
    child.stdin?.end(input);
  });
}

/**
 * Starts slapd for this test run and returns the call that lets go of it. Runs that
 * overlap share it; it stops when the last run lets go, and only if a test run started it.
 */
export async function holdDirectory(): Promise<() => Promise<void>> {
  const holder = String(process.pid);
  await run('bash', [SCRIPT, 'acquire', holder]);
  return async () => {
    await run('bash', [SCRIPT, 'release', holder]);
  };
}

export async function startDirectoryInstance(instance: DirectoryInstance): Promise<void> {
  await run('bash', [SCRIPT, 'start'], envOf(instance));
}

export async function stopDirectoryInstance(instance: DirectoryInstance): Promise<void> {
  await run('bash', [SCRIPT, 'stop', '--force'], envOf(instance));
}

export function instanceUrl(instance: DirectoryInstance): string {
  return `ldap://${DIRECTORY_HOST}:${instance.ldapPort}`;
}

export function directoryCa(instance?: DirectoryInstance): string {
  return readFileSync(instance ? join(instance.stateDir, 'tls', 'ca.crt') : DIRECTORY_CA_PATH, 'latin1');
}

/** Attribute values as the tests write them: text, or bytes for certificates and CRLs. */
export type EntryValues = Readonly<Record<string, string | Uint8Array | readonly (string | Uint8Array)[]>>;

export interface LdapEntry {
  readonly dn: string;
  readonly attributes: EntryValues;
}

function attributesOf(values: EntryValues): Attribute[] {
  return Object.entries(values).map(([type, value]) => {
    const list = (Array.isArray(value) ? value : [value]) as readonly (string | Uint8Array)[];
    const buffers = list.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v)));
    return new Attribute({ type, values: buffers });
  });
}

/** Runs `work` with a client bound as the manager, over StartTLS checked against the test CA. */
export async function asManager<T>(work: (client: Client) => Promise<T>, instance?: DirectoryInstance): Promise<T> {
  const client = new Client({ url: instance ? instanceUrl(instance) : LDAP_URL, timeout: 30_000, connectTimeout: 5000 });
  try {
    await client.startTLS({ ca: [directoryCa(instance)], servername: 'localhost', host: DIRECTORY_HOST });
    await client.bind(DIRECTORY_ADMIN.dn, DIRECTORY_ADMIN.password);
    return await work(client);
  } finally {
    await client.unbind();
  }
}

/** Adds the entries in order (parents before children). */
export async function addEntries(entries: readonly LdapEntry[], instance?: DirectoryInstance): Promise<void> {
  await asManager(async (client) => {
    for (const entry of entries) await client.add(entry.dn, attributesOf(entry.attributes));
  }, instance);
}

/**
 * Deletes `dn` and everything below it, if it is there, then adds it again as an empty
 * organizational unit: each test file fills a subtree of its own, so files running side by
 * side, and earlier runs, never see each other's entries.
 */
export async function freshSubtree(ou: string, instance?: DirectoryInstance): Promise<string> {
  const dn = `ou=${ou},${DIRECTORY_SUFFIX}`;
  // -M (ManageDsaIT) deletes referral objects as entries instead of following them.
  await run('ldapdelete', ['-x', '-H', instance ? instanceUrl(instance) : LDAP_URL, '-D', DIRECTORY_ADMIN.dn, '-w', DIRECTORY_ADMIN.password, '-M', '-r', dn])
    .catch((error: unknown) => {
      // 32, noSuchObject: a first run, nothing to delete.
      if (!/failed \(32\)/.test(String(error))) throw error;
    });
  await addEntries([{ dn, attributes: { objectClass: 'organizationalUnit', ou } }], instance);
  return dn;
}

/** Loads LDIF text with ldapadd, as the manager (for many entries at once). */
export async function loadLdif(ldif: string, instance?: DirectoryInstance): Promise<void> {
  await run('ldapadd', ['-x', '-H', instance ? instanceUrl(instance) : LDAP_URL, '-D', DIRECTORY_ADMIN.dn, '-w', DIRECTORY_ADMIN.password], process.env, ldif);
}
