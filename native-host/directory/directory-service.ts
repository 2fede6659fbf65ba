/**
 * The directory as the host serves it: the one implementation behind `directory/search`,
 * `directory/read-url` and the bind passwords, and behind the command line's fetching of
 * `ldap://` CRL distribution points and caIssuers URLs (directory-fetcher.ts).
 */
import { MessageResponseStatus } from 'ldapts';
import { CachetError } from '../../src/errors';
import type { DirectoryConnection, DirectorySearch, NativeReq, NativeRes } from '../../src/protocol/native';
import { MAX_READ_VALUES } from '../../src/protocol/native-directory-validators';
import { readTrustedCertificates } from '../mail/mail-tls';
import { valuesOf } from './attribute-values';
import { readDirectoryEntry } from './directory-entry';
import { DirectoryPasswords } from './directory-passwords';
import { withDirectorySession } from './directory-session';
import { filterFor } from './filter-template';
import { parseLdapUrl } from './ldap-url';
import { pkiAttribute, pkiValues } from './pki-values';

export interface DirectoryServiceOptions {
  /** The key store's directory, where remembered bind passwords are kept. */
  readonly dir: string;
  /** PEM files of extra trusted CAs (host configuration `directoryTrustedCertificates`). */
  readonly trustedCertificateFiles: readonly string[];
  /** Where skipped values and dropped referrals are told (the host's stderr log). */
  readonly log: (line: string) => void;
}

/** The most a server may send for one search: room for a thousand entries with certificates. */
export const MAX_SEARCH_BYTES = 16 * 1024 * 1024;
/** What a read may take beyond `maxBytes`: the LDAP messages around the values. */
const READ_OVERHEAD_BYTES = 64 * 1024;

/** How a read binds: as `directory/read-url`'s `connection` says, or anonymously in clear. */
export type ReadConnection = Omit<DirectoryConnection, 'url' | 'timeoutMs'>;

export interface ReadLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly connection?: ReadConnection;
}

export class DirectoryService {
  readonly passwords: DirectoryPasswords;
  readonly #options: DirectoryServiceOptions;

  constructor(options: DirectoryServiceOptions) {
    this.#options = options;
    this.passwords = new DirectoryPasswords(options.dir);
  }

  #session(url: string, connection: ReadConnection, timeoutMs: number, maxBytes: number) {
    const bind = connection.bindDn === null ? null : { dn: connection.bindDn, password: this.passwords.get(url, connection.bindDn) };
    return {
      url, startTls: connection.startTls, bind, timeoutMs, maxBytes,
      // Read at each use, so a wrong file is reported where it matters, as directory/tls.
      trustedRoots: readTrustedCertificates(this.#options.trustedCertificateFiles, 'directory/tls'),
    };
  }

  #report(server: string): (dn: string, reason: string) => void {
    return (dn, reason) => this.#options.log(`directory ${server}: ${dn}: ${reason}`);
  }

  async search(directory: DirectorySearch, address: string): Promise<NativeRes<'directory/search'>> {
    const filter = filterFor(directory.filter, address);
    const session = this.#session(directory.url, directory, directory.timeoutMs, MAX_SEARCH_BYTES);
    const attributes = ['objectClass', 'mail', 'proxyAddresses', 'otherMailbox', ...directory.certificateAttributes];
    const { searchEntries, searchReferences, codes } = await withDirectorySession(session, async (client, watch) => {
      const result = await client.search(directory.baseDn, {
        scope: directory.scope, filter, attributes, explicitBufferAttributes: [...directory.certificateAttributes],
        sizeLimit: directory.sizeLimit, timeLimit: Math.ceil(directory.timeoutMs / 1000), derefAliases: 'never', paged: false,
      });
      return { ...result, codes: watch.searchCodes };
    });
    const report = this.#report(directory.url);
    for (const reference of searchReferences.slice(0, 10)) report(directory.baseDn, `a search reference to ${reference.slice(0, 200)} was not followed`);
    const entries = searchEntries.slice(0, directory.sizeLimit).flatMap((entry) => readDirectoryEntry(entry, directory, report) ?? []);
    const stoppedAtLimit = codes === undefined ? searchEntries.length >= directory.sizeLimit : codes.includes(MessageResponseStatus.SizeLimitExceeded);
    return { entries, truncated: stoppedAtLimit || searchEntries.length > directory.sizeLimit };
  }

  /** The checked values an RFC 4516 URL names (PROTOCOL.md, `directory/read-url`). */
  async readUrl(url: string, limits: ReadLimits): Promise<Uint8Array[]> {
    const target = parseLdapUrl(url);
    const attribute = pkiAttribute(target.attribute);
    const connection = limits.connection ?? { startTls: false, bindDn: null };
    if (connection.bindDn !== null && !connection.startTls && target.server.startsWith('ldap:')) {
      throw new CachetError('input/invalid', 'a simple bind needs ldaps:// or startTls: the password would cross the network in clear');
    }
    const session = this.#session(target.server, connection, limits.timeoutMs, limits.maxBytes + READ_OVERHEAD_BYTES);
    const { searchEntries } = await withDirectorySession(session, (client) => client.search(target.dn, {
      scope: target.scope, filter: target.filter, attributes: [attribute.request], explicitBufferAttributes: [attribute.request],
      sizeLimit: 1, timeLimit: Math.ceil(limits.timeoutMs / 1000), derefAliases: 'never', paged: false,
    }));
    const report = this.#report(target.server);
    const values = searchEntries.slice(0, 1).flatMap((entry) => valuesOf(entry, attribute.request));
    const checked = pkiValues(values, attribute.request, attribute.kind, (reason) => report(target.dn, reason));
    if (checked.length > MAX_READ_VALUES) report(target.dn, `${checked.length} values; only the first ${MAX_READ_VALUES} are returned`);
    const kept = checked.slice(0, MAX_READ_VALUES);
    const total = kept.reduce((sum, v) => sum + v.length, 0);
    if (total > limits.maxBytes) throw new CachetError('directory/refused', `the directory ${target.server} holds ${total} bytes at ${url.slice(0, 300)}, more than the ${limits.maxBytes} allowed`);
    return kept;
  }

  /** `directory/read-url` as the protocol answers it. */
  async readUrlRequest(req: NativeReq<'directory/read-url'>): Promise<NativeRes<'directory/read-url'>> {
    const values = await this.readUrl(req.url, { timeoutMs: req.timeoutMs, maxBytes: req.maxBytes, ...(req.connection ? { connection: req.connection } : {}) });
    return { values: values.map((v) => Buffer.from(v).toString('base64')) };
  }
}
