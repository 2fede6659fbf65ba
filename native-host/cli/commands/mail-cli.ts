/**
 * What the mail commands (`send`, `fetch`, `account`) share: the mail service over the
 * host configuration's key store directory and trusted CAs, the HOST:PORT/SECURITY
 * argument, password files, and how a mail error becomes an exit status.
 */
import { CachetError, isCachetError } from '../../../src/errors';
import { mailHost } from '../../../src/protocol/native-mail-validators';
import type { MailServerSettings } from '../../../src/protocol/native';
import { MailService } from '../../mail/mail-service';
import { firstLine } from '../../keys/passphrase-input';
import { keyStoreDirectory, loadHostConfig } from '../../stores/host-config';
import { EXIT_NOT_GOOD, EXIT_UNUSABLE, UsageError, type CliIo } from '../command';
import { readInput } from './cli-input';

export const MAIL_CONFIG_NOTE = `The accounts file (mail-accounts.json) lives in the key store directory (keyStoreDir of
the host configuration, else ~/.local/share/cachet/keys); CAs to trust for the servers
besides Node's own are listed in the host configuration's mailTrustedCertificates.`;

export function mailServiceFromConfig(): MailService {
  const config = loadHostConfig();
  return new MailService({ dir: keyStoreDirectory(config), trustedCertificateFiles: config.mailTrustedCertificates });
}

/** Ports that speak TLS from the first byte (IMAPS, RFC 8314 §7.3; submissions, §7.3). */
const IMPLICIT_TLS_PORTS = new Set([993, 465]);

/** `HOST:PORT`, `HOST:PORT/starttls`, `HOST:PORT/tls`; IPv6 addresses in brackets. */
export function parseServerArgument(text: string, option: string): MailServerSettings {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:/[\]]+)):(\d{1,5})(?:\/(starttls|tls))?$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65_535) throw new UsageError(`${option} must be HOST:PORT, HOST:PORT/starttls or HOST:PORT/tls`);
  const host = match[1] ?? match[2] ?? '';
  try {
    mailHost(host, option);
  } catch {
    throw new UsageError(`${option}: ${JSON.stringify(host)} is not a host name or IP address`);
  }
  const security = match[4] === 'tls' || match[4] === 'starttls' ? match[4] : IMPLICIT_TLS_PORTS.has(port) ? 'tls' : 'starttls';
  return { host, port, security };
}

/** Runs a protocol validator on an argument; what it refuses is a usage error. */
export function usable<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function formatServer({ host, port, security }: MailServerSettings): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}/${security}`;
}

export async function readPasswordFile(file: string | undefined, io: CliIo): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const password = firstLine(await readInput(file, io));
  if (password.length === 0 || password.includes('\u0000')) throw new CachetError('input/invalid', `${file} holds no usable password on its first line`);
  return password;
}

/**
 * A server that said no is "not good" (1), like a bad signature; an account or password
 * the host does not have is input that cannot be used (2).
 */
export function mailExitCode(error: unknown, command: string, io: CliIo): number {
  if (!isCachetError(error) || !error.code.startsWith('mail/')) throw error;
  io.stderr.write(`cachet ${command}: ${error.code}: ${error.message}\n`);
  return error.code === 'mail/no-account' || error.code === 'mail/password-needed' ? EXIT_UNUSABLE : EXIT_NOT_GOOD;
}
