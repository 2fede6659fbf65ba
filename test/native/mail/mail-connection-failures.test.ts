/**
 * Failures before any mail is moved, against small local servers: a closed port, a server
 * that accepts and then says nothing, a certificate that is not trusted or names another
 * host, and a plain server that does not offer STARTTLS. Each ends in its typed error
 * within the configured time, and no password is ever sent without TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailSecurity } from '../../../src/protocol/native';
import { withImapSession } from '../../../native-host/mail/imap-session';
import type { MailTimeouts } from '../../../native-host/mail/mail-timeouts';
import { submitMessage } from '../../../native-host/mail/smtp-submission';
import { failure } from './mail-test-support';

const timeouts: MailTimeouts = { connectMs: 800, commandMs: 800, operationMs: 4000, perMebibyteMs: 0 };
const message = new TextEncoder().encode('From: a@example.test\r\nTo: b@example.test\r\nSubject: x\r\n\r\nhi\r\n');

let dir: string;
let cert: string;
const servers: Server[] = [];
const received: string[] = [];

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A plain server that greets, answers every line with `answer`, and records what it got. */
function chatty(greeting: string, answer: (line: string) => string): Server {
  return createServer((socket: Socket) => {
    socket.write(greeting);
    socket.on('data', (data: Buffer) => {
      for (const line of data.toString('latin1').split('\r\n').filter(Boolean)) {
        received.push(line);
        socket.write(answer(line));
      }
    });
    socket.on('error', () => undefined);
  });
}

function access(port: number, security: MailSecurity, host = '127.0.0.1', trustedRoots: readonly string[] = []) {
  return { server: { host, port, security }, user: 'alice', password: 'secret-password', trustedRoots, timeouts };
}


const smtp = (port: number, security: MailSecurity, host?: string, roots?: readonly string[]): Promise<unknown> =>
  submitMessage(access(port, security, host, roots), message, 'a@example.test', ['b@example.test']);
const imap = (port: number, security: MailSecurity, host?: string, roots?: readonly string[]): Promise<unknown> =>
  withImapSession(access(port, security, host, roots), 0, () => Promise.resolve());

let closedPort: number;
let silentPort: number;
let tlsPort: number;
let plainImapPort: number;
let plainSmtpPort: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-mail-tls-'));
  // A certificate for "localhost" only: trusted as its own root, it still does not name 127.0.0.1.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
  ], { stdio: 'ignore' });
  cert = readFileSync(path.join(dir, 'cert.pem'), 'latin1');
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  silentPort = await listen(createServer((socket) => socket.on('error', () => undefined)));
  tlsPort = await listen(createTlsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (socket) => {
    socket.on('error', () => undefined);
    socket.write('* OK ready\r\n');
  }));
  plainImapPort = await listen(chatty('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n', (line) => {
    const tag = line.split(' ')[0] ?? '*';
    return /CAPABILITY/i.test(line) ? `* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n` : `${tag} OK done\r\n`;
  }));
  plainSmtpPort = await listen(chatty('220 plain.example.test ESMTP\r\n', (line) =>
    /^EHLO/i.test(line) ? '250-plain.example.test\r\n250 AUTH PLAIN LOGIN\r\n' : '250 ok\r\n'));
});

afterAll(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('mail servers that cannot be used', () => {
  it('a closed port is mail/unreachable at once, naming host and port', async () => {
    for (const work of [() => smtp(closedPort, 'starttls'), () => imap(closedPort, 'starttls')]) {
      const f = await failure(work);
      expect(f.code).toBe('mail/unreachable');
      expect(f.message).toContain(`127.0.0.1:${closedPort}`);
      expect(f.ms).toBeLessThan(timeouts.connectMs);
    }
  });

  it('a server that never greets is mail/unreachable once the connect time is over', async () => {
    for (const work of [() => smtp(silentPort, 'starttls'), () => imap(silentPort, 'tls')]) {
      const f = await failure(work);
      expect(f.code).toBe('mail/unreachable');
      expect(f.ms).toBeGreaterThanOrEqual(timeouts.connectMs - 50);
      expect(f.ms).toBeLessThan(timeouts.operationMs);
    }
  });

  it('a certificate from a CA that is not trusted is mail/tls with the reason', async () => {
    for (const work of [() => smtp(tlsPort, 'tls', 'localhost'), () => imap(tlsPort, 'tls', 'localhost')]) {
      const f = await failure(work);
      expect(f.code).toBe('mail/tls');
      expect(f.message).toMatch(/self-signed/);
    }
  });

  it('a trusted certificate for another name is mail/tls', async () => {
    for (const work of [() => smtp(tlsPort, 'tls', '127.0.0.1', [cert]), () => imap(tlsPort, 'tls', '127.0.0.1', [cert])]) {
      const f = await failure(work);
      expect(f.code).toBe('mail/tls');
      expect(f.message).toMatch(/ALTNAME|does not match/i);
    }
  });

  it('a server without STARTTLS is mail/tls, and the password is never sent', async () => {
    received.length = 0;
    for (const work of [() => smtp(plainSmtpPort, 'starttls'), () => imap(plainImapPort, 'starttls')]) {
      expect((await failure(work)).code).toBe('mail/tls');
    }
    expect(received.join('\n')).not.toMatch(/AUTH|LOGIN/i);
    expect(received.join('\n')).not.toContain(Buffer.from('\u0000alice\u0000secret-password').toString('base64'));
  });
});
