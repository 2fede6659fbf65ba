/**
 * The SMTP server Cyrus submits to (RFC 5321 §4.5.1's minimum: EHLO, MAIL, RCPT, DATA,
 * RSET, NOOP, QUIT), on loopback: it keeps each envelope and the message's exact bytes,
 * dot-stuffing undone (§4.5.2), to compare with what the composer built.
 */
import { createServer, type Server } from 'node:net';

export interface Delivery {
  readonly from: string;
  readonly to: readonly string[];
  readonly data: Buffer;
}

/**
 * Listens on `port`, waiting up to `waitMs` while another test file holds it: Cyrus submits
 * to one fixed port, and both the JMAP transport tests and the JMAP browser tests listen
 * there, one file after the other.
 */
export async function startSmtpSink(port: number, waitMs = 120_000): Promise<{ deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let inData = false;
    let from = '';
    let to: string[] = [];
    const say = (line: string) => socket.write(`${line}\r\n`);
    say('220 sink.cachet.test ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          const whole = buffer.subarray(0, 3).toString() === '.\r\n' ? 0 : end;
          if (whole < 0) return;
          const body = whole === 0 ? Buffer.alloc(0) : buffer.subarray(0, end + 2);
          buffer = buffer.subarray(whole === 0 ? 3 : end + 5);
          const unstuffed = Buffer.from(body.toString('latin1').replace(/^\.\./gm, '.'), 'latin1');
          deliveries.push({ from, to, data: unstuffed });
          inData = false;
          say('250 2.0.0 queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.subarray(0, eol).toString('latin1');
        buffer = buffer.subarray(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-sink.cachet.test\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n');
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          to = [];
          say('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          say('250 2.1.5 ok');
        } else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'QUIT') {
          say('221 2.0.0 bye');
          socket.end();
          return;
        } else say('250 ok');
      }
    });
    socket.on('error', () => undefined);
  });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const listening = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', resolve);
        resolve(undefined);
      });
    });
    if (listening === undefined) break;
    if (listening.code !== 'EADDRINUSE' || Date.now() > deadline) throw listening;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { deliveries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
