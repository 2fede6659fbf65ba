/**
 * How the host reaches the directory: StartTLS and ldaps:// checked against the CAs it
 * is given (and refused otherwise, before anything is sent), a simple bind with the
 * password set for the server and DN (in memory or sealed on disk), the errors a missing
 * or wrong password gives, and servers that are not there, never answer, answer garbage
 * or answer too much, each ending within the time allowed.
 */
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DirectorySearch } from '../../../src/protocol/native';
import { addEntries, DIRECTORY_CA_PATH, freshSubtree, LDAP_URL, LDAPS_URL } from '../../support/directory';
import { directoryHost, expectDirectoryError } from '../../support/directory-host';

const trusted = directoryHost({ trustedCertificateFiles: [DIRECTORY_CA_PATH] });
const untrusted = directoryHost();
let people: string;
let restricted: string;
let lookupDn: string;
const lookupPassword = 'lookup-secret';

function directory(change: Partial<DirectorySearch> = {}): DirectorySearch {
  return {
    url: LDAP_URL, startTls: true, bindDn: null, timeoutMs: 10_000, baseDn: people, scope: 'sub', filter: '(mail={address})',
    personClasses: ['inetOrgPerson'], contactClasses: ['contact'], certificateAttributes: ['userCertificate;binary'], sizeLimit: 10,
    ...change,
  };
}

const dns = (res: { entries: readonly { dn: string }[] }): string[] => res.entries.map((e) => e.dn);

/** A local TCP server that does `behave` with each connection, for servers slapd will not play. */
async function fakeServer(behave: (socket: net.Socket) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    behave(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `ldap://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A port nothing listens on: one the system gave out and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How long `work` took to fail with `code` (and a message matching `message`). */
async function timedFailure(work: () => Promise<unknown>, code: string, message?: RegExp): Promise<number> {
  const started = Date.now();
  await expectDirectoryError(work(), code, message);
  return Date.now() - started;
}

beforeAll(async () => {
  people = await freshSubtree('connection');
  // Only users who have bound may read below ou=restricted (slapd.conf.in).
  restricted = await freshSubtree('restricted');
  lookupDn = `cn=lookup,${people}`;
  await addEntries([
    { dn: lookupDn, attributes: { objectClass: 'inetOrgPerson', cn: 'lookup', sn: 'lookup', userPassword: lookupPassword } },
    { dn: `cn=Fay,${people}`, attributes: { objectClass: 'inetOrgPerson', cn: 'Fay', sn: 'Fay', mail: 'fay@example.test' } },
    { dn: `cn=Gus,${restricted}`, attributes: { objectClass: 'inetOrgPerson', cn: 'Gus', sn: 'Gus', mail: 'gus@example.test' } },
  ]);
});

describe('TLS', () => {
  it('upgrades with StartTLS and reads over ldaps:// when the test CA is trusted', async () => {
    expect(dns(await trusted.call('directory/search', { directory: directory(), address: 'fay@example.test' }))).toEqual([`cn=Fay,${people}`]);
    const ldaps = directory({ url: LDAPS_URL, startTls: false });
    expect(dns(await trusted.call('directory/search', { directory: ldaps, address: 'fay@example.test' }))).toEqual([`cn=Fay,${people}`]);
  });

  it('refuses a server whose certificate no trusted CA issued, with StartTLS or ldaps://', async () => {
    await expectDirectoryError(untrusted.call('directory/search', { directory: directory(), address: 'fay@example.test' }), 'directory/tls', /127\.0\.0\.1:3389.*(certificate|issuer)/i);
    await expectDirectoryError(untrusted.call('directory/search', { directory: directory({ url: LDAPS_URL, startTls: false }), address: 'fay@example.test' }), 'directory/tls');
  });

  it('refuses StartTLS from a server that does not offer it, sending nothing more', async () => {
    const received: Buffer[] = [];
    // Answers every request with an extendedResponse of protocolError (RFC 4511 §4.14.2).
    const server = await fakeServer((socket) => socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      const messageId = chunk[4] ?? 1;
      socket.write(Buffer.from([0x30, 0x0c, 0x02, 0x01, messageId, 0x78, 0x07, 0x0a, 0x01, 0x02, 0x04, 0x00, 0x04, 0x00]));
    }));
    try {
      await expectDirectoryError(trusted.call('directory/search', { directory: directory({ url: server.url, bindDn: `cn=lookup,${people}` }), address: 'fay@example.test' }), 'directory/password-needed');
      await trusted.call('directory/set-password', { url: server.url, bindDn: lookupDn, password: lookupPassword, remember: false });
      await expectDirectoryError(trusted.call('directory/search', { directory: directory({ url: server.url, bindDn: lookupDn }), address: 'fay@example.test' }), 'directory/tls');
      // One message, the StartTLS request: no bind, no password.
      expect(Buffer.concat(received).includes(Buffer.from(lookupPassword))).toBe(false);
      expect(Buffer.concat(received).includes(Buffer.from('1.3.6.1.4.1.1466.20037'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('simple bind', () => {
  const bound = (): DirectorySearch => directory({ baseDn: restricted, bindDn: lookupDn });

  it('asks for the password when none is known, binds with the one set, and shows what only bound users see', async () => {
    const host = directoryHost({ trustedCertificateFiles: [DIRECTORY_CA_PATH] });
    await expectDirectoryError(host.call('directory/search', { directory: bound(), address: 'gus@example.test' }), 'directory/password-needed');
    // To anonymous users, slapd does not even show that ou=restricted is there.
    await expectDirectoryError(host.call('directory/search', { directory: directory({ baseDn: restricted }), address: 'gus@example.test' }), 'directory/refused', /no such entry \(result code 32\)/);
    await host.call('directory/set-password', { url: LDAP_URL, bindDn: lookupDn, password: lookupPassword, remember: false });
    expect(dns(await host.call('directory/search', { directory: bound(), address: 'gus@example.test' }))).toEqual([`cn=Gus,${restricted}`]);
    // The same server however its URL is spelled.
    const spelled = directory({ url: 'ldap://127.0.0.1:3389', baseDn: restricted, bindDn: lookupDn });
    expect(dns(await host.call('directory/search', { directory: spelled, address: 'gus@example.test' }))).toHaveLength(1);
    expect(await host.call('directory/forget-password', { url: LDAP_URL, bindDn: lookupDn })).toEqual({ forgotten: true });
    await expectDirectoryError(host.call('directory/search', { directory: bound(), address: 'gus@example.test' }), 'directory/password-needed');
    expect(await host.call('directory/forget-password', { url: LDAP_URL, bindDn: lookupDn })).toEqual({ forgotten: false });
  });

  it('says the bind failed for a wrong password or an unknown DN', async () => {
    const host = directoryHost({ trustedCertificateFiles: [DIRECTORY_CA_PATH] });
    await host.call('directory/set-password', { url: LDAP_URL, bindDn: lookupDn, password: 'wrong', remember: false });
    await expectDirectoryError(host.call('directory/search', { directory: bound(), address: 'gus@example.test' }), 'directory/bind-failed', /127\.0\.0\.1:3389 refused the bind/);
    const ghost = `cn=ghost,${people}`;
    await host.call('directory/set-password', { url: LDAP_URL, bindDn: ghost, password: lookupPassword, remember: false });
    await expectDirectoryError(host.call('directory/search', { directory: directory({ bindDn: ghost }), address: 'fay@example.test' }), 'directory/bind-failed');
  });

  it('keeps a remembered password sealed on disk, for the next host, and only for its server and DN', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'cachet-directory-')), 'keys');
    const first = directoryHost({ trustedCertificateFiles: [DIRECTORY_CA_PATH], dir });
    await first.call('directory/set-password', { url: LDAP_URL, bindDn: lookupDn, password: lookupPassword, remember: true });
    const next = directoryHost({ trustedCertificateFiles: [DIRECTORY_CA_PATH], dir });
    expect(dns(await next.call('directory/search', { directory: bound(), address: 'gus@example.test' }))).toEqual([`cn=Gus,${restricted}`]);
    // Over ldaps:// it is another server: no password for it.
    await expectDirectoryError(next.call('directory/search', { directory: { ...bound(), url: LDAPS_URL, startTls: false }, address: 'gus@example.test' }), 'directory/password-needed');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(dir, 'directory-passwords.json'), 'utf8')).not.toContain(lookupPassword);
    // For the session only: the sealed one is removed.
    await next.call('directory/set-password', { url: LDAP_URL, bindDn: lookupDn, password: lookupPassword, remember: false });
    const third = directoryHost({ trustedCertificateFiles: [DIRECTORY_CA_PATH], dir });
    await expectDirectoryError(third.call('directory/search', { directory: bound(), address: 'gus@example.test' }), 'directory/password-needed');
  });
});

describe('servers that fail', () => {
  it('says a directory nobody listens for is unreachable, at once', async () => {
    const port = await closedPort();
    const ms = await timedFailure(() => trusted.call('directory/search', { directory: directory({ url: `ldap://127.0.0.1:${port}`, timeoutMs: 3000 }), address: 'fay@example.test' }),
      'directory/unreachable', new RegExp(`127\\.0\\.0\\.1:${port} cannot be reached`));
    expect(ms).toBeLessThan(3000);
  });

  it('gives up on a server that takes the connection and never answers, within the time allowed', async () => {
    const server = await fakeServer(() => undefined);
    try {
      const ms = await timedFailure(() => trusted.call('directory/search', { directory: directory({ url: server.url, startTls: false, timeoutMs: 1500 }), address: 'fay@example.test' }),
        'directory/timeout', /did not answer within 1500 ms/);
      expect(ms).toBeGreaterThanOrEqual(1400);
      expect(ms).toBeLessThan(3000);
    } finally {
      await server.close();
    }
  });

  it('says a server answering garbage is not LDAP, without waiting for the time limit', async () => {
    const server = await fakeServer((socket) => socket.on('data', () => socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    try {
      const ms = await timedFailure(() => trusted.call('directory/search', { directory: directory({ url: server.url, startTls: false, timeoutMs: 5000 }), address: 'fay@example.test' }),
        'directory/malformed', /not LDAP: a message starts with byte 0x48/);
      expect(ms).toBeLessThan(2000);
    } finally {
      await server.close();
    }
  });

  it('stops a server that sends more than a search may take', async () => {
    // A message announcing 256 MiB, then megabytes of it: never a whole message to parse.
    const server = await fakeServer((socket) => socket.once('data', () => {
      socket.write(Buffer.from([0x30, 0x84, 0x10, 0x00, 0x00, 0x00]));
      const chunk = Buffer.alloc(1024 * 1024);
      let sent = 0;
      const more = (): void => {
        while (sent < 40 && !socket.destroyed) {
          sent += 1;
          if (!socket.write(chunk)) {
            socket.once('drain', more);
            return;
          }
        }
      };
      more();
    }));
    try {
      const ms = await timedFailure(() => trusted.call('directory/search', { directory: directory({ url: server.url, startTls: false, timeoutMs: 20_000 }), address: 'fay@example.test' }),
        'directory/refused', /sent more than 16777216 bytes/);
      expect(ms).toBeLessThan(20_000);
    } finally {
      await server.close();
    }
  });
});
