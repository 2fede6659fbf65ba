/**
 * `ldap://` and `ldaps://` CRL distribution points and caIssuers URLs (B10, B11), read by
 * the native host (`directory/read-url`) within the time the retrieval budget gives the
 * URL (`revocationUrlRetrievalTimeoutMs`, capped by what is left of
 * `certUrlRetrievalTimeoutMs`). A URL on the policy's directory server is read the way
 * the directory is (StartTLS, bind DN); Active Directory's host-less `ldap:///CN=…`,
 * "the default directory", is read from the policy's directory.
 */
import { isCachetError } from '../../src/errors';
import { bodyOfValues } from '../../src/directory/ldap-url-values';
import { RetrievalError, type Fetcher } from '../../src/pki/fetcher';
import type { DirectoryPolicy } from '../../src/policy';
import { MAX_DIRECTORY_READ_BYTES, MAX_DIRECTORY_TIMEOUT_MS } from '../../src/protocol/native';
import type { NativeRequest } from './host-directory';

/** `scheme://host:port` of an LDAP URL, lower case, with the default port filled in; undefined without a host. */
function serverOf(url: string): string | undefined {
  const match = /^(ldaps?):\/\/([^/?]*)/i.exec(url);
  const scheme = match?.[1]?.toLowerCase();
  const authority = match?.[2]?.toLowerCase();
  if (scheme === undefined || authority === undefined || authority === '') return undefined;
  const port = /:\d+$/.test(authority) ? '' : scheme === 'ldaps' ? ':636' : ':389';
  return `${scheme}://${authority}${port}`;
}

/** The URL to read: a host-less one on the policy's directory server. */
export function directoryUrlTarget(url: string, directory: DirectoryPolicy | null): string | undefined {
  if (!/^ldaps?:\/\/\//i.test(url)) return url;
  return directory === null ? undefined : `${directory.url}${url.replace(/^ldaps?:\/\//i, '')}`;
}

export function createDirectoryUrlReader(request: NativeRequest, directory: () => Promise<DirectoryPolicy | null>, maxBytes: number): Fetcher {
  return {
    async fetch(url, fetchRequest) {
      const policy = await directory();
      const target = directoryUrlTarget(url, policy);
      if (target === undefined) throw new RetrievalError(`${url}: names no server, and no directory is set up to read it from`);
      const sameServer = policy !== null && serverOf(target) === serverOf(policy.url);
      const connection = sameServer ? { startTls: policy.startTls, bindDn: policy.bindDn } : undefined;
      try {
        const { values } = await request('directory/read-url', {
          url: target,
          timeoutMs: Math.max(1, Math.min(Math.floor(fetchRequest.timeoutMs), MAX_DIRECTORY_TIMEOUT_MS)),
          maxBytes: Math.min(maxBytes, MAX_DIRECTORY_READ_BYTES),
          ...(connection ? { connection } : {}),
        });
        const body = bodyOfValues(target, values);
        if (body === undefined) throw new RetrievalError(`${target}: the entry has no such value`);
        return body;
      } catch (error) {
        if (error instanceof RetrievalError) throw error;
        throw new RetrievalError(`${target}: ${isCachetError(error) || error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
  };
}
