/**
 * The Cachet key store's directory: one file per identity (key-store-file.ts), the
 * directory 0700 and the files 0600, each written to a temporary file and renamed into
 * place so a crash never leaves half a key behind. A directory that other users can open,
 * or that belongs to someone else, is refused: they could copy the files to guess the
 * passphrase offline, or swap in files of their own. (On Windows the per-user profile's
 * ACLs do that job; modes are not checked there.)
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import path from 'node:path';
import { CachetError } from '../../src/errors';
import { certificateInfo, type CertificateInfo } from './certificate-info';
import { decodeKeyFile, encodeKeyFile, fingerprintOf, KEY_FILE_NAME, keyFileName, type KeyStoreEntry } from './key-store-file';

export interface StoredIdentity {
  readonly fingerprint: string;
  readonly file: string;
  readonly entry: KeyStoreEntry;
  readonly info: CertificateInfo;
}

export interface KeyStoreScan {
  readonly identities: readonly StoredIdentity[];
  /** Files that cannot be used, and why: for the host's log and `cachet key list`. */
  readonly problems: readonly string[];
}

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 1000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Why the directory must not be used, or undefined when it is fine or does not exist yet. */
export function directoryProblem(dir: string): string | undefined {
  let stat;
  try {
    stat = statSync(dir);
  } catch (error) {
    return isMissing(error) ? undefined : `cannot read ${dir}: ${errorText(error)}`;
  }
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  if (process.platform === 'win32') return undefined;
  if (process.getuid && stat.uid !== process.getuid()) return `${dir} belongs to another user`;
  if ((stat.mode & 0o077) !== 0) return `${dir} is open to other users; chmod 700 ${dir}`;
  return undefined;
}

function requireSafe(dir: string): void {
  const problem = directoryProblem(dir);
  if (problem !== undefined) throw new CachetError('key/unavailable', `key store: ${problem}`);
}

/** Names of the key files, without following links or reading other files. */
export function keyFileNames(dir: string): string[] {
  requireSafe(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw new CachetError('key/unavailable', `key store: cannot list ${dir}: ${errorText(error)}`);
  }
  return entries.filter((e) => e.isFile() && KEY_FILE_NAME.test(e.name)).map((e) => e.name).sort().slice(0, MAX_FILES);
}

/** Reads a file of the store's directory; also used for the mail accounts kept beside the keys. */
export function readSmallFile(file: string, maxBytes = MAX_FILE_BYTES): string {
  // O_NOFOLLOW: a link planted in place of a key file is not followed.
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new CachetError('key/unavailable', `${file} is larger than a key file can be`);
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks one identity; key/unavailable when it is missing or unusable. */
export function readStoredIdentity(dir: string, fingerprint: string): StoredIdentity {
  requireSafe(dir);
  const file = path.join(dir, keyFileName(fingerprint));
  let text: string;
  try {
    text = readSmallFile(file);
  } catch (error) {
    if (error instanceof CachetError) throw error;
    if (isMissing(error)) throw new CachetError('key/unavailable', `no identity ${fingerprint} in the key store`);
    throw new CachetError('key/unavailable', `cannot read ${file}: ${errorText(error)}`);
  }
  const entry = decodeKeyFile(text, file);
  if (fingerprintOf(entry.certificate) !== fingerprint) throw new CachetError('key/unavailable', `${file} holds another certificate than its name says`);
  const info = certificateInfo(entry.certificate);
  if (!info || info.isCa) throw new CachetError('key/unavailable', `${file}: the certificate is not an RSA or EC (P-256, P-384, P-521) end-entity certificate`);
  return { fingerprint, file, entry, info };
}

export function scanKeyStore(dir: string): KeyStoreScan {
  const identities: StoredIdentity[] = [];
  const problems: string[] = [];
  for (const name of keyFileNames(dir)) {
    const fingerprint = KEY_FILE_NAME.exec(name)?.[1] ?? '';
    try {
      identities.push(readStoredIdentity(dir, fingerprint));
    } catch (error) {
      problems.push(errorText(error));
    }
  }
  return { identities, problems };
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every system lets a directory be opened for fsync (Windows); the rename stands.
  }
}

/** Creates the store's directory (0700) when missing and checks it is safe to write to. */
export function ensureStoreDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CachetError('key/unavailable', `key store: cannot create ${dir}: ${errorText(error)}`);
  }
  requireSafe(dir);
}

/**
 * Replaces `file` (in the store's directory `dir`) with `data`, 0600, through a temporary
 * file and a rename, so readers see the old file or the new one, never half of one.
 * Throws what the file system throws.
 */
export function replaceFileAtomically(dir: string, file: string, data: string): void {
  const temporary = path.join(dir, `.${randomBytes(8).toString('hex')}.tmp`);
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch { /* never created, or already renamed */ }
    throw error;
  }
  syncDirectory(dir);
}

/** Writes the identity's file atomically; returns its path. Replaces an earlier import of it. */
export function writeStoredIdentity(dir: string, entry: KeyStoreEntry): string {
  ensureStoreDirectory(dir);
  const file = path.join(dir, keyFileName(fingerprintOf(entry.certificate)));
  try {
    replaceFileAtomically(dir, file, encodeKeyFile(entry));
  } catch (error) {
    throw new CachetError('key/unavailable', `key store: cannot write ${file}: ${errorText(error)}`);
  }
  return file;
}

export function deleteStoredIdentity(dir: string, fingerprint: string): string {
  requireSafe(dir);
  const file = path.join(dir, keyFileName(fingerprint));
  try {
    unlinkSync(file);
  } catch (error) {
    if (isMissing(error)) throw new CachetError('key/unavailable', `no identity ${fingerprint} in the key store ${dir}`);
    throw new CachetError('key/unavailable', `key store: cannot delete ${file}: ${errorText(error)}`);
  }
  syncDirectory(dir);
  return file;
}
