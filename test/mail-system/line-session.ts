/**
 * A bare line-by-line client for SMTP and IMAP, enough to watch what a server answers
 * before and after STARTTLS. Lines are read as latin1, so every octet survives.
 */
import net from 'node:net';
import tls from 'node:tls';

const READ_TIMEOUT_MS = 10_000;

export class LineSession {
  private socket: net.Socket;
  private buffer = '';
  private ended: Error | undefined;
  private wake: (() => void) | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.listen(socket);
  }

  static connect(port: number, host: string): Promise<LineSession> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new LineSession(socket));
      });
      socket.once('error', reject);
    });
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake?.();
    });
    socket.on('error', (error) => {
      this.ended = error;
      this.wake?.();
    });
    socket.on('end', () => {
      this.ended ??= new Error('the server closed the connection');
      this.wake?.();
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`, 'latin1');
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  async readLine(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return line;
      }
      if (this.ended !== undefined) throw this.ended;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no complete line within ${READ_TIMEOUT_MS} ms; have ${JSON.stringify(this.buffer)}`));
        }, READ_TIMEOUT_MS);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /** Reads lines up to and including the first for which `isLast` holds. */
  async readUntil(isLast: (line: string) => boolean): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      lines.push(line);
      if (isLast(line)) return lines;
    }
  }

  /** Sends a command and reads the reply: SMTP's "NNN " line or IMAP's tagged line. */
  async command(line: string, isLast: (line: string) => boolean): Promise<string[]> {
    this.send(line);
    return this.readUntil(isLast);
  }

  /** Switches the connection to TLS after the server agreed to STARTTLS. */
  async startTls(options: Omit<tls.ConnectionOptions, 'socket'>): Promise<tls.TLSSocket> {
    if (this.buffer !== '') throw new Error(`unread data before STARTTLS: ${JSON.stringify(this.buffer)}`);
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = tls.connect({ ...options, socket: plain }, () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
    this.socket = secure;
    this.listen(secure);
    return secure;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The last line of an SMTP reply has a space after its code. */
export const smtpReplyEnd = (line: string): boolean => /^\d{3}(?: |$)/.test(line);

/** An IMAP command's reply ends with the line carrying its tag. */
export const imapTagged =
  (tag: string) =>
  (line: string): boolean =>
    line.startsWith(`${tag} `);
