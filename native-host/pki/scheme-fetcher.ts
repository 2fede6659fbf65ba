/**
 * The command line's one fetcher for CRLs, OCSP and issuer certificates: each URL goes to
 * the fetcher of its scheme, HTTP(S) to Node's HTTP client and LDAP to the directory
 * client, under the same retrieval budget (src/pki/fetcher.ts). A scheme with no fetcher
 * is a retrieval error like any other.
 */
import { keyStoreDirectory, loadHostConfig, DEFAULT_HOST_CONFIG, type HostConfig } from '../stores/host-config';
import { DirectoryFetcher } from '../directory/directory-fetcher';
import type { DirectoryService } from '../directory/directory-service';
import { RetrievalError, type FetchRequest, type Fetcher } from '../../src/pki/fetcher';
import { HttpFetcher } from './http-fetcher';

export class SchemeFetcher implements Fetcher {
  constructor(private readonly bySchemes: Readonly<Record<string, Fetcher>>) {}

  fetch(url: string, request: FetchRequest): Promise<Uint8Array> {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
    const fetcher = scheme === undefined ? undefined : this.bySchemes[scheme];
    if (!fetcher) return Promise.reject(new RetrievalError(`unsupported URL scheme in ${url.slice(0, 200)}`));
    return fetcher.fetch(url, request);
  }
}

function hostConfig(): HostConfig {
  try {
    return loadHostConfig();
  } catch {
    // A broken host configuration is `cachet doctor`'s to report; revocation still works.
    return DEFAULT_HOST_CONFIG;
  }
}

/**
 * What `cachet cert check`, `verify` and `open` fetch with. LDAP servers' certificates are
 * checked against the host configuration's `directoryTrustedCertificates`, as the host does.
 */
export function cliFetcher(): Fetcher {
  const http = new HttpFetcher();
  let service: Promise<DirectoryService> | undefined;
  const directory = new DirectoryFetcher(() => service ??= import('../directory/directory-service').then(({ DirectoryService: Service }) => {
    const config = hostConfig();
    // Reads are anonymous: the key store directory (for bind passwords) is never written.
    return new Service({ dir: keyStoreDirectory(config), trustedCertificateFiles: config.directoryTrustedCertificates, log: () => undefined });
  }));
  return new SchemeFetcher({ http, https: http, ldap: directory, ldaps: directory });
}
