/**
 * How long the host waits on a mail server. A server that is down, firewalled or stuck
 * must end in `mail/unreachable`, never in a request that hangs the host: each phase has
 * its own limit, and the whole operation a last one that grows with the message.
 */
export interface MailTimeouts {
  /** TCP connection and TLS handshake, and again for the server's greeting. */
  readonly connectMs: number;
  /** Silence allowed while a command is answered or the message is streamed. */
  readonly commandMs: number;
  /** The whole operation, before the allowance for the message's size. */
  readonly operationMs: number;
  /** Extra time per MiB of message, for slow links (about 100 KiB/s at the default). */
  readonly perMebibyteMs: number;
}

export const DEFAULT_MAIL_TIMEOUTS: MailTimeouts = {
  connectMs: 15_000,
  commandMs: 60_000,
  operationMs: 120_000,
  perMebibyteMs: 10_000,
};

/** The last limit for an operation carrying `bytes` of message. */
export function operationDeadlineMs(timeouts: MailTimeouts, bytes: number): number {
  return timeouts.operationMs + Math.ceil((bytes / (1024 * 1024)) * timeouts.perMebibyteMs);
}
